/**
 * Runs every script of docs/why.md the way a reader would (`node --expose-gc --import tsx
 * <file>` from the repository root) and checks what it printed: each JavaScript fact as a
 * plain script, then the same scenario through iterscope. Then checks that the guide shows
 * the scripts as they are: every excerpt is taken from its script, and every output block
 * is what the script prints (run times aside).
 *
 * Only orders and outcomes are asserted, never how long something took. (A lower bound
 * once checked that a close waiting for a 200 ms timer took at least 150 ms; on a loaded
 * machine it took 142 ms, because the timer starts before return() is called. The order,
 * "park ended first", is the proof.)
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scriptsDir = join(root, 'docs/examples/why');
const guide = readFileSync(join(root, 'docs/why.md'), 'utf8');

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
}

const runs = new Map<string, Promise<Run>>();

/** Run a script once (several tests may ask for it) and keep what it printed. */
function run(script: string): Promise<Run> {
  let result = runs.get(script);
  if (result === undefined) {
    result = promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', `docs/examples/why/${script}`], {
      cwd: root,
      timeout: 20_000,
    }).then(({ stdout, stderr }) => ({ stdout, stderr, lines: stdout.trimEnd().split('\n') }));
    runs.set(script, result);
  }
  return result;
}

/** The one line that starts with `prefix`. */
function line(output: Run, prefix: string): string {
  const found = output.lines.filter((l) => l.startsWith(prefix));
  expect(found, `one line starting with '${prefix}' in:\n${output.stdout}`).toHaveLength(1);
  return found[0]!;
}

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? scripts(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const TIMEOUT = 30_000;

/** Node 24 and later have `SuppressedError`, the disposable stacks and disposable generators. */
const native = typeof (globalThis as Record<string, unknown>)['SuppressedError'] === 'function';

describe.concurrent('why.md: what JavaScript does', () => {
  it('for await calls return() once on break, return and throw, waits for it, and never after the end', async () => {
    const out = await run('for-await-closes.ts');
    for (const exit of ['break', 'return', 'throw']) {
      expect(line(out, `${exit}:`)).toBe(`${exit}: return() called 1 time(s), loop left after the close finished: true`);
    }
    expect(line(out, 'end:')).toContain('return() called 0 time(s)');
  }, TIMEOUT);

  it("a close error is the loop's error after break, and is dropped when the body threw", async () => {
    const out = await run('return-error.ts');
    expect(line(out, 'break:')).toBe("break: the loop threw 'close failed'");
    expect(line(out, 'body threw:')).toBe("body threw: the loop threw 'body failed', close error attached: false");
  }, TIMEOUT);

  it('a rejected or malformed next() is never followed by return()', async () => {
    const out = await run('rejected-next.ts');
    expect(line(out, 'next() rejects:')).toBe("next() rejects: the loop threw 'Error: connection reset', return() called 0 time(s)");
    expect(line(out, 'next() resolves to 42:')).toMatch(/the loop threw 'TypeError: .*42.*', return\(\) called 0 time\(s\)$/);
  }, TIMEOUT);

  it('return() on an unstarted generator skips its body: the upstream handed to it stays open', async () => {
    const out = await run('unstarted-generator.ts');
    expect(line(out, 'after return()')).toBe('after return() on the unstarted generator: []');
    expect(line(out, 'the connection is still open')).toBe('the connection is still open: row 1 can still be read');
  }, TIMEOUT);

  it("an abandoned generator is collected without its finally, and a held value that reaches it hides the collection", async () => {
    const out = await run('abandoned-finally.ts');
    expect(line(out, 'plain:')).toBe('plain: collected: true, finally ran: false');
    expect(line(out, 'held value references it:')).toBe('held value references it: collected: false, finally ran: false');
    expect(line(out, 'closure shares its scope:')).toBe('closure shares its scope: collected: false, finally ran: false');
    expect(line(out, 'at exit:')).toBe('at exit: finally ran for []');
  }, TIMEOUT);

  it('a chain closes C, B, A through for await and yield*, and one manual next() leaves C open', async () => {
    const out = await run('chain-manual-next.ts');
    expect(line(out, 'B uses for await:')).toBe('B uses for await: closed [C, B, A]');
    expect(line(out, 'B uses yield*:')).toBe('B uses yield*: closed [C, B, A]');
    expect(line(out, 'B uses a manual next():')).toBe('B uses a manual next(): closed [A], C is still open');
  }, TIMEOUT);

  it("a generator's return() waits behind its parked next(); a hand-written iterator answers at once", async () => {
    const out = await run('return-queued.ts');
    const parked = 'async generator, upstream parked 200 ms';
    // The pending next() delivers one more item, after the park ended.
    const next = /pending next\(\) settled: ([\d.]+) ms with \{"value":10,"done":false\}$/.exec(line(out, `${parked}: pending`));
    expect(next).not.toBeNull();
    const closed = /return\(\) settled: ([\d.]+) ms, park ended first: true$/.exec(line(out, `${parked}: return()`));
    expect(closed).not.toBeNull();
    // "park ended first: true" is the proof that it waited; no lower bound on the time, which
    // a loaded machine shortens (the park's timer starts before return() is called).
    const forever = 'async generator, upstream parked forever';
    expect(line(out, `${forever}: pending`)).toMatch(/settled: not within 300 ms$/);
    expect(line(out, `${forever}: return()`)).toMatch(/settled: not within 300 ms$/);
    const hand = 'hand-written iterator, upstream parked 200 ms';
    expect(line(out, `${hand}: pending`)).toMatch(/settled: [\d.]+ ms with \{"done":true\}$/);
    expect(line(out, `${hand}: return()`)).toMatch(/settled: [\d.]+ ms, park ended first: false$/);
  }, TIMEOUT);

  it("a chain of generators: the resolver's return() waits for the upstream, and forever for a silent one", async () => {
    const out = await run('generator-chain.ts');
    expect(line(out, 'upstream quiet 200 ms:')).toMatch(
      /^upstream quiet 200 ms: return\(\) settled: \d+\.\d ms; closed \[C, B, A\]; the resolver read the late item: true$/,
    );
    expect(line(out, 'upstream quiet forever:')).toBe(
      'upstream quiet forever: return() settled: not within 300 ms; closed []; the resolver read the late item: false',
    );
  }, TIMEOUT);

  it("a generator body sees the store of whoever calls next(), and enterWith leaks into the consumer", async () => {
    const out = await run('als-follows-caller.ts');
    expect(out.lines).toEqual([
      'first step sees: consumer 1',
      'after an await: consumer 1',
      'after the 1st yield: consumer 2',
      'after an await: consumer 2',
      'after the 2nd yield: consumer 3',
      'the consumer after next() on a generator that called enterWith: set inside the generator',
    ]);
  }, TIMEOUT);

  it("spans made after a resume get the consumer's span as parent; context.bind() ignores iterables", async () => {
    const out = await run('otel-wrong-parent.ts');
    expect(line(out, 'llm.chunk 0:')).toBe("llm.chunk 0: parent is 'evaluate' (meant: 'llm.stream')");
    expect(line(out, 'llm.chunk 1:')).toBe("llm.chunk 1: parent is 'evaluate' (meant: 'llm.stream')");
    expect(line(out, 'context.bind()')).toMatch(/unchanged: true$/);
  }, TIMEOUT);

  it('a stream span is lost on break and throw (end after the loop) and on abandonment (end in finally)', async () => {
    const out = await run('otel-span-never-exported.ts');
    const exported = (producer: string, consumer: string): string => {
      const match = /spans exported: (\d+)/.exec(line(out, `${producer}, consumer ${consumer}:`));
      return match?.[1] ?? 'missing';
    };
    expect(exported('end() after the loop', 'runs to the end')).toBe('1');
    expect(exported('end() after the loop', 'breaks')).toBe('0');
    expect(exported('end() after the loop', 'throws')).toBe('0');
    expect(exported('end() after the loop', 'abandons it')).toBe('0');
    expect(exported('end() in finally', 'breaks')).toBe('1');
    expect(exported('end() in finally', 'throws')).toBe('1');
    expect(exported('end() in finally', 'abandons it')).toBe('0');
    // Lost, not merely late: the generator was collected.
    expect(line(out, 'end() in finally, consumer abandons it:')).toMatch(/garbage-collected: true\)$/);
  }, TIMEOUT);

  it('await using: TypeScript helpers where the runtime lacks it (Node 20, 22), native from Node 24', async () => {
    const out = await run('await-using-node20.ts');
    expect(line(out, `Node ${process.version}:`)).toMatch(/Symbol\.asyncDispose is a symbol$/);
    // The script runs on this process's Node, so it must report this runtime's facts.
    const kind = native ? 'function' : 'undefined';
    expect(line(out, 'SuppressedError:')).toBe(`SuppressedError: ${kind}`);
    expect(line(out, 'DisposableStack:')).toBe(`DisposableStack: ${kind}`);
    expect(line(out, 'AsyncDisposableStack:')).toBe(`AsyncDisposableStack: ${kind}`);
    expect(line(out, 'an async generator')).toBe(`an async generator has [Symbol.asyncDispose]: ${String(native)}`);
    const caught = (target: string): string =>
      `${target}: ran; caught name=SuppressedError, constructor=${native ? 'SuppressedError' : 'Error'}, error='r: dispose failed', suppressed='body failed'`;
    expect(line(out, 'ES2022 target: ran;')).toBe(caught('ES2022 target'));
    const generator = line(out, 'ES2022 target: await using on an async generator');
    if (native) {
      expect(generator).toMatch(/closed it, finally ran: true$/);
      expect(line(out, 'ESNext target: ran;')).toBe(caught('ESNext target'));
      expect(line(out, 'ESNext target: await using on an async generator')).toMatch(/closed it, finally ran: true$/);
    } else {
      expect(generator).toMatch(/threw '.*not disposable.*'$/i);
      expect(line(out, 'ESNext target:')).toMatch(/^ESNext target: Node rejected it: SyntaxError/);
    }
  }, TIMEOUT);
});

describe.concurrent('why.md: the same scenarios through iterscope', () => {
  it('closes once on break, return and throw, never after the end, also before the first next()', async () => {
    const out = await run('iterscope/closes.ts');
    for (const exit of ['break', 'return', 'throw']) {
      expect(line(out, `${exit}:`)).toBe(`${exit}: return() called 1 time(s), loop left after the close finished: true`);
    }
    expect(line(out, 'end:')).toContain('return() called 0 time(s)');
    expect(line(out, 'after return() on the unread stage')).toBe('after return() on the unread stage: [connection closed]');
    expect(line(out, 'take(2)')).toBe("take(2) ran to its end: source's return() called 1 time(s)");
  }, TIMEOUT);

  it('reports the close error that for await drops when the body threw', async () => {
    const out = await run('iterscope/errors.ts');
    expect(line(out, 'break:')).toBe("break: the loop threw 'close failed'");
    expect(line(out, 'body threw:')).toBe("body threw: the loop threw 'body failed'");
    expect(line(out, 'reported:')).toBe("reported: cleanup-error in aclosing: 'close failed'");
  }, TIMEOUT);

  it('does not close a source whose next() failed, and closes it once when its own callback fails', async () => {
    const out = await run('iterscope/rejected-next.ts');
    expect(line(out, 'next() rejects:')).toMatch(/return\(\) called 0 time\(s\)$/);
    expect(line(out, 'next() resolves to 42:')).toMatch(/TypeError: map: .*42.*return\(\) called 0 time\(s\)$/);
    expect(line(out, 'the map callback throws:')).toBe(
      "the map callback throws: the loop threw 'Error: bad item', source's return() called 1 time(s)",
    );
  }, TIMEOUT);

  it("catches an abandoned pipeline: cleanup sees 'abandoned', the upstream's finally runs, it is reported", async () => {
    const out = await run('iterscope/abandoned.ts');
    expect(line(out, 'after collection:')).toBe("after collection: [withCleanup saw 'abandoned', upstream finally ran]");
    expect(line(out, 'reported:')).toBe('reported: abandoned (withCleanup)');
  }, TIMEOUT);

  it('closes a pipeline C, B, A, and a manual next() on aclosing(source) keeps C closing', async () => {
    const out = await run('iterscope/chain.ts');
    expect(line(out, 'pipe:')).toBe('pipe: closed [C, B, A]');
    expect(line(out, 'B uses a manual next()')).toBe('B uses a manual next() on aclosing(source): closed [C, A]');
  }, TIMEOUT);

  it('settles a pending next() at once, bounds return() by the deadline, and rejects with the abort reason', async () => {
    const out = await run('iterscope/return-queued.ts');
    const parked = 'upstream parked 200 ms';
    expect(line(out, `${parked}: pending`)).toMatch(/settled: [\d.]+ ms with \{"done":true\}$/);
    const closed = /return\(\) settled: ([\d.]+) ms, park ended first: true$/.exec(line(out, `${parked}: return()`));
    expect(closed).not.toBeNull();
    // return() waited for the source's close: the park ended first (no bound on the time).
    const forever = 'upstream parked forever, closeTimeout 50 ms';
    expect(line(out, `${forever}: pending`)).toMatch(/settled: [\d.]+ ms with \{"done":true\}$/);
    expect(line(out, `${forever}: return()`)).toMatch(/settled: [\d.]+ ms, park ended first: false$/);
    expect(line(out, 'reported: straggler')).toMatch(/^reported: straggler in map after \d+ ms$/);
    expect(line(out, 'abort:')).toMatch(/^abort: pending next\(\) rejected after [\d.]+ ms, with signal\.reason itself: true$/);
  }, TIMEOUT);

  it('aclosing frees the framework but not the chain; scoped closes C, B, A in one return()', async () => {
    const out = await run('iterscope/scoped.ts');
    expect(line(out, 'aclosing(resolver()): pending')).toMatch(/: pending next\(\) settled: \d+\.\d ms; closed after 5 ms: \[\]$/);
    expect(line(out, 'aclosing(resolver()): return()')).toMatch(/, once the upstream yielded; closed \[C, B, A\]$/);
    expect(line(out, 'scoped: return()')).toMatch(/^scoped: return\(\) settled: \d+\.\d ms; closed \[C, B, A\]; pending next\(\): \{"done":true\}$/);
    expect(line(out, 'scoped: reports:')).toBe('scoped: reports: none');
  }, TIMEOUT);

  it('bindContext: the body sees the bound context at every step, the consumer keeps its own', async () => {
    const out = await run('iterscope/context.ts');
    expect(out.lines).toEqual([
      'first step sees: request',
      'after an await: request',
      'after the 1st yield: request',
      'after an await: request',
      'consumer 2 after its next(): consumer 2',
      'finally (closed by return()) sees: request',
    ]);
  }, TIMEOUT);

  it('traced: spans from the source are children of the stream span; the consumer keeps its span', async () => {
    const out = await run('iterscope/otel-parent.ts');
    expect(out.lines.filter((l) => l.startsWith("the consumer's active span"))).toEqual([
      "the consumer's active span: 'evaluate'",
      "the consumer's active span: 'evaluate'",
    ]);
    expect(line(out, 'llm.chunk 0:')).toBe("llm.chunk 0: parent is 'llm.stream'");
    expect(line(out, 'llm.chunk 1:')).toBe("llm.chunk 1: parent is 'llm.stream'");
    expect(out.lines.filter((l) => l.startsWith('score:'))).toEqual([
      "score: parent is 'llm.stream'",
      "score: parent is 'llm.stream'",
    ]);
    expect(line(out, 'llm.stream:')).toBe("llm.stream: parent is 'request'");
  }, TIMEOUT);

  it('traced: the stream span is exported on every path, with its outcome', async () => {
    const out = await run('iterscope/otel-ended.ts');
    const expected: [string, string, string][] = [
      ['runs to the end', 'completed', 'UNSET'],
      ['breaks', 'cancelled', 'UNSET'],
      ['throws', 'cancelled', 'UNSET'],
      ['meets a failing source', 'error', 'ERROR'],
      ['is aborted', 'aborted', 'UNSET'],
      ['abandons it', 'abandoned', 'UNSET'],
    ];
    for (const [consumer, outcome, status] of expected) {
      expect(line(out, `consumer ${consumer}:`)).toBe(
        `consumer ${consumer}: spans exported: 1, outcome: ${outcome}, status: ${status}`,
      );
    }
  }, TIMEOUT);

  it('await using closes a stage on every Node; both close-error paths give a SuppressedError', async () => {
    const out = await run('iterscope/await-using.ts');
    expect(line(out, `await using on Node ${process.version}`)).toMatch(/: read a, lines closed, after the block$/);
    expect(line(out, 'block threw')).toBe(
      "block threw, close failed: name=SuppressedError, error='close failed', suppressed='body failed'",
    );
    expect(line(out, 'reported:')).toBe('reported: cleanup-error in aclosing');
    expect(line(out, 'stage.throw()')).toBe(
      "stage.throw(), close failed: name=SuppressedError, error='close failed', suppressed='consumer gave up', iterscope's SuppressedError: true",
    );
  }, TIMEOUT);
});

interface Block {
  readonly file: string;
  readonly body: string[];
  /** Whether the block shows what this process's Node prints (`, Node 20-22` or `, Node 24+`). */
  readonly here: boolean;
}

const major = Number(process.versions.node.split('.')[0]);

/**
 * Fenced blocks of the guide announced by `<!-- excerpt: file -->` or `<!-- output: file -->`,
 * optionally limited to some Node majors: `<!-- output: file, Node 24+ -->`.
 */
function announcedBlocks(kind: 'excerpt' | 'output'): Block[] {
  const lines = guide.split('\n');
  const blocks: Block[] = [];
  const marker = new RegExp(`^<!--\\s*${kind}:\\s*([^\\s,]+)(?:,\\s*Node (\\d+)(?:-(\\d+)|(\\+)))?\\s*-->$`);
  for (let i = 0; i < lines.length; i++) {
    const match = marker.exec(lines[i] ?? '');
    if (match === null) continue;
    expect(lines[i + 1], `a fence right after '${lines[i] ?? ''}'`).toMatch(/^```/);
    const body: string[] = [];
    for (i += 2; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    const [, file, from, to, andLater] = match;
    const here =
      from === undefined || (major >= Number(from) && (andLater !== undefined || major <= Number(to)));
    blocks.push({ file: file!, body, here });
  }
  return blocks;
}

/** Run times and the Node version vary from run to run; everything else must match. */
const normalize = (text: string): string => text.replace(/\d+(\.\d+)? ms/g, 'N ms').replace(/v\d+\.\d+\.\d+/g, 'vN');

describe('why.md shows the scripts as they are', () => {
  const all = scripts(scriptsDir).map((f) => relative(scriptsDir, f));

  it('links every script, and every script is run above', () => {
    const tested = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    expect(all.length).toBeGreaterThanOrEqual(20);
    for (const script of all) {
      expect(guide, `docs/why.md mentions ${script}`).toContain(`examples/why/${script}`);
      expect(tested, `a test runs ${script}`).toContain(`run('${script}')`);
    }
  });

  it('takes every excerpt from its script, in order', () => {
    const excerpts = announcedBlocks('excerpt');
    expect(excerpts.length).toBeGreaterThanOrEqual(10);
    for (const { file, body } of excerpts) {
      const source = readFileSync(join(root, file), 'utf8').split('\n');
      let at = 0;
      for (const shown of body) {
        if (shown.trim() === '' || shown.trim() === '// ...') continue;
        const found = source.indexOf(shown, at);
        expect(found, `${file} has, after line ${String(at)}: ${shown}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    }
  });

  it('shows what each script prints', async () => {
    const outputs = announcedBlocks('output');
    expect(outputs.length).toBeGreaterThanOrEqual(20);
    for (const { file, body, here } of outputs) {
      if (!here) continue;
      const printed = (await run(relative(scriptsDir, join(root, file)))).lines.map(normalize);
      for (const shown of body) expect(printed, `${file} prints: ${shown}`).toContain(normalize(shown));
    }
  }, 120_000);

  it('every script writes nothing to stderr', async () => {
    for (const script of all) expect((await run(script)).stderr, script).toBe('');
  }, 120_000);
});
