/**
 * The harness can fail: it reports the known violations of IxJS's merge and takeUntil
 * and of a plain generator-based map, and it passes the same ix operators once they sit
 * behind an iterscope stage (the consumer-facing invariants are restored there).
 */
import { describe, expect, it } from 'vitest';
import { merge as ixMerge, from as ixFrom } from 'ix/asynciterable';
import { takeUntil as ixTakeUntil } from 'ix/asynciterable/operators';
import { aclosing } from 'iterscope';
import { checkContract, ContractError, type InvariantName, type Subject } from 'iterscope/testing';

const never = (): Promise<void> => new Promise<void>(() => undefined);
const asAsync = (s: unknown): AsyncIterable<number> => s as AsyncIterable<number>;

const ixMergeOf: Subject = ({ sources }) => ixMerge(asAsync(sources[0]), asAsync(sources[1]));
const ixTakeUntilOf: Subject = ({ source }) => ixFrom(asAsync(source)).pipe(ixTakeUntil(never));
async function* generatorMap(source: AsyncIterable<number>, fn: (x: number) => number): AsyncGenerator<number> {
  for await (const x of source) yield fn(x);
}
const generatorMapOf: Subject = ({ source }) => generatorMap(asAsync(source), (x) => x * 2);

// ix and a plain generator read async iterables; they never take the harness's signal.
const foreign = { abort: false, sourceKinds: ['async', 'generator'] as const, runs: 300, seed: 5 };

async function violationsOf(subject: Subject, options: Parameters<typeof checkContract>[1]): Promise<ContractError> {
  const error = await checkContract(subject, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  return error as ContractError;
}

describe('the harness reports known violations', { timeout: 60_000 }, () => {
  it('IxJS merge leaves a source open when the consumer stops (C1)', async () => {
    const error = await violationsOf(ixMergeOf, { ...foreign, sources: 2, invariants: ['closed-once'] });
    expect(error.violations.map((v) => v.message).join('\n')).toMatch(/was opened and never closed \(leaked\)/);
    expect(error.message).toContain('Replay: pass { seed: 5');
  });

  it('IxJS merge makes return() wait on a parked source (C2)', async () => {
    const error = await violationsOf(ixMergeOf, { ...foreign, sources: 2, invariants: ['return-bounded'] });
    expect(error.violations[0]?.message).toMatch(/waited on a parked source .* never asked to close/);
  });

  it('IxJS takeUntil leaves its source open when the consumer stops (C1)', async () => {
    const error = await violationsOf(ixTakeUntilOf, { ...foreign, invariants: ['closed-once'] });
    expect(error.violations.map((v) => v.message).join('\n')).toMatch(/was opened and never closed \(leaked\)/);
  });

  it('a generator-based map makes return() wait on a parked source (C2)', async () => {
    const error = await violationsOf(generatorMapOf, { ...foreign, invariants: ['return-bounded'] });
    expect(error.violations[0]?.message).toMatch(/(return|throw)\(\) .*waited on a parked source .* never asked to close/);
  });

  it('a generator-based map leaves a pending next() waiting on a parked source after return() (C2)', async () => {
    const error = await violationsOf(generatorMapOf, { ...foreign, invariants: ['prompt-settlement'] });
    expect(error.violations[0]?.message).toMatch(/pending at the close/);
  });

  it('the replay seed and path reproduce the same shrunk scenario', async () => {
    const first = await violationsOf(generatorMapOf, { ...foreign, invariants: ['return-bounded'] });
    const again = await violationsOf(generatorMapOf, {
      ...foreign,
      invariants: ['return-bounded'],
      seed: first.seed,
      path: first.path,
    });
    expect(again.scenario).toEqual(first.scenario);
  });
});

describe('behind an iterscope stage, the consumer-facing invariants hold', { timeout: 60_000 }, () => {
  // The leak inside ix stays (nothing outside it can close what it opened); what iterscope
  // restores is the boundary: prompt settlement, the abort reason, every call settling,
  // no unhandled rejection.
  const consumerFacing: InvariantName[] = ['settles', 'prompt-settlement', 'abort-reason', 'no-unhandled-rejection'];
  const wrapped = { sourceKinds: ['async', 'generator'] as const, runs: 300, invariants: consumerFacing };

  it('aclosing(ix merge)', async () => {
    const summary = await checkContract((input) => aclosing(asAsync(ixMergeOf(input)), { signal: input.signal }), {
      ...wrapped,
      sources: 2,
    });
    expect(summary.runs).toBe(300);
  });

  it('aclosing(ix takeUntil)', async () => {
    const summary = await checkContract((input) => aclosing(asAsync(ixTakeUntilOf(input)), { signal: input.signal }), wrapped);
    expect(summary.runs).toBe(300);
  });

  it('aclosing(generator map)', async () => {
    const summary = await checkContract((input) => aclosing(asAsync(generatorMapOf(input)), { signal: input.signal }), wrapped);
    expect(summary.runs).toBe(300);
  });
});
