/**
 * One third-party operator as a `checkContract` subject, with the options it honestly
 * supports: no aborts for an operator that takes no signal, only the source kinds it
 * reads. Nothing else is restricted, so every known leak can be found.
 */
import type { ContractOptions, Subject } from 'iterscope/testing';

export interface EcosystemSubject {
  /** The library and the version range the corpus was judged against (`ix 7`). */
  readonly library: string;
  /** The operator, as the library names it. */
  readonly operator: string;
  /** Builds the operator over the instrumented sources. */
  readonly subject: Subject;
  /** Only what the operator cannot do is left out (aborts, source kinds, source count); `runs` where a bug needs more scenarios to show. */
  readonly options: Pick<ContractOptions, 'abort' | 'sourceKinds' | 'sources' | 'ends' | 'runs'>;
  /** Why the options are what they are, for the generated page. */
  readonly supports: string;
}

/** The instrumented sources are typed loosely; an operator's own type says what it reads. */
export const asAsync = (source: unknown): AsyncIterable<number> => source as AsyncIterable<number>;
export const asAny = (source: unknown): AsyncIterable<number> | Iterable<number> => source as AsyncIterable<number> | Iterable<number>;

/** A source kind list for operators that read async iterables only. */
export const asyncOnly = ['async', 'generator'] as const;
