/**
 * iterscope's own operators: the control group. They take the signal and read every kind.
 */
import { aclosing, map, merge, pipe } from 'iterscope';
import { asAny, type EcosystemSubject } from '../subject.js';

const library = 'iterscope';
const supports = 'signal in the options; sync and async sources';

export const iterscope: readonly EcosystemSubject[] = [
  {
    library,
    operator: 'map',
    subject: ({ source, signal }) => pipe(source, map((x: number) => x * 2, { signal })),
    options: {},
    supports,
  },
  {
    library,
    operator: 'merge',
    // merge takes no options: a signal comes with the stage around it (its TSDoc says so).
    subject: ({ sources, signal }) => aclosing(merge(asAny(sources[0]), asAny(sources[1])), { signal }),
    options: { sources: 2 },
    supports,
  },
];
