/** Every subject of the ecosystem corpus, library by library. */
import { graphql } from './adapters/graphql.js';
import { iterscope } from './adapters/iterscope.js';
import { it } from './adapters/it.js';
import { ix } from './adapters/ix.js';
import { node } from './adapters/node.js';
import { repeater } from './adapters/repeater.js';
import { streamingIterables } from './adapters/streaming-iterables.js';
import type { EcosystemSubject } from './subject.js';

export const corpus: readonly EcosystemSubject[] = [...iterscope, ...graphql, ...ix, ...repeater, ...streamingIterables, ...it, ...node];

/** The key a subject has in the table of verdicts. */
export const keyOf = (subject: Pick<EcosystemSubject, 'library' | 'operator'>): string => `${subject.library.split(' ')[0] ?? ''} ${subject.operator}`;
