import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('npm run demo', () => {
  it('prints the side-by-side comparison: plain generators leak, iterscope closes', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'examples/demo.ts'], {
      cwd: root,
      timeout: 20_000,
    });
    const sections = stdout.split('\n\n');
    const section = (title: string): string => sections.find((s) => s.startsWith(title)) ?? '';
    for (const title of ['break after 2 items', 'loop body throws']) {
      expect(section(title)).toMatch(/plain {6}source closed: NO/);
      expect(section(title)).toMatch(/iterscope {2}source closed: yes/);
    }
    for (const title of ['abort while the source stalls', 'return() while next() is pending']) {
      expect(section(title)).toMatch(/plain[\s\S]*next\(\) settled: NEVER/);
      expect(section(title)).toMatch(/iterscope[\s\S]*next\(\) settled: \d+\.\d ms/);
      expect(section(title)).toMatch(/reported: straggler/);
    }
    expect(section('abandoned')).toMatch(/plain {6}source closed: NO .*no cleanup ran/);
    expect(section('abandoned')).toMatch(/iterscope {2}source closed: yes.*cleanup saw 'abandoned'/);
    expect(section('abandoned')).toMatch(/reported: abandoned/);
  }, 30_000);
});
