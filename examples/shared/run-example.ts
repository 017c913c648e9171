/** Run an example's `main.ts` the way its npm script does, for the tests. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves to the example's stdout; rejects if it fails or does not stop by itself in time. */
export async function runExample(main: string, timeoutMs = 30_000): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', main], {
    cwd: root,
    timeout: timeoutMs,
  });
  return stdout;
}
