/**
 * How a subject is judged: `checkContract` with the subject's honest options, a fixed seed
 * and modest runs, the language baseline excused by name (see baseline.ts).
 */
import { checkContract, ContractError, INVARIANTS, type ContractOptions, type ContractSummary, type InvariantName } from 'iterscope/testing';
import { baseline } from './baseline.js';
import type { EcosystemSubject } from './subject.js';

/** Fixed, so every verdict replays. */
export const SEED = 20_260_101;
/** Modest: the whole corpus runs inside `npm test`. */
export const RUNS = 100;

/** The options a subject is run with: its own, the seed, the runs and the language baseline. */
export const optionsOf = (entry: EcosystemSubject, invariants: readonly InvariantName[]): ContractOptions => ({
  runs: RUNS,
  seed: SEED,
  ...entry.options,
  knownIssues: baseline,
  invariants,
});

/** The summary when every scenario kept `invariants`, the report of the first broken one otherwise. */
export async function runOn(entry: EcosystemSubject, invariants: readonly InvariantName[]): Promise<ContractSummary | ContractError> {
  return settle(checkContract(entry.subject, optionsOf(entry, invariants)));
}

/** The name a finding of the table is excused under by {@link runExcusing}, and counted under. */
export const excusedAs = (invariant: InvariantName): string => `table: ${invariant}`;

/**
 * One run of the fixed-seed scenarios over every invariant, the `excused` ones counted
 * instead of failing it (after the language baseline, which keeps its own). Passes when
 * nothing else broke; `known[excusedAs(x)]` then says in how many scenarios `x` broke.
 * The scenarios do not depend on the invariants checked, so `x` broke in some of them
 * exactly when a run over `x` alone fails: one run instead of one per finding, with no
 * shrinking.
 */
export async function runExcusing(entry: EcosystemSubject, excused: readonly InvariantName[]): Promise<ContractSummary | ContractError> {
  const table = excused.map((invariant) => ({ name: excusedAs(invariant), matches: (v: { invariant: string }) => v.invariant === invariant }));
  return settle(checkContract(entry.subject, { ...optionsOf(entry, INVARIANTS), knownIssues: [...baseline, ...table] }));
}

async function settle(run: Promise<ContractSummary>): Promise<ContractSummary | ContractError> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
}

export interface Discovered {
  /** Each broken invariant with the report that showed it. */
  readonly broken: readonly { readonly invariant: InvariantName; readonly error: ContractError }[];
  /** The run over every other invariant, which passed. */
  readonly summary: ContractSummary;
}

/**
 * Every invariant the subject breaks under the fixed seed, found without the table: run
 * them all, take out those the shrunk counterexample broke, run the rest again, until a
 * run passes.
 */
export async function discover(entry: EcosystemSubject): Promise<Discovered> {
  const broken: Discovered['broken'][number][] = [];
  let left = [...INVARIANTS];
  for (;;) {
    const outcome = await runOn(entry, left);
    if (!(outcome instanceof ContractError)) return { broken, summary: outcome };
    const names = new Set(outcome.violations.map((v) => v.invariant as InvariantName));
    if (names.size === 0) throw new Error(`${entry.library} ${entry.operator}: a run failed with no violation:\n${outcome.message}`);
    for (const invariant of names) broken.push({ invariant, error: outcome });
    left = left.filter((name) => !names.has(name));
  }
}
