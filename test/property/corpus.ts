/**
 * Scenarios the property suite found, kept as fixed examples so that every run checks them
 * whatever the generators draw (each failed on the code before its fix). Add the
 * `scenario` of a ContractError here when fixing what it found.
 */
import type { Scenario } from 'iterscope/testing';

export const corpus: readonly Scenario[] = [
  // C3 rule 1: batch over an empty source, the consumer throws right after the abort fired below (return() before the rejection arrived).
  {sources: [{kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'batch', variant: 0}], consumer: {steps: [{op: 'pending-next'}], end: 'throw', abortAt: 3, abortReason: 'error'}, seed: -426925745},
  // C3 rule 1: race under batch, the end answered as the abort fires.
  {sources: [{kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'map', variant: 0}, {kind: 'batch', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 8, abortReason: 'error'}, seed: 0},
  // C3: a stage read by flatMap ends on its own after the owner's abort: its sources must see the abort's reason.
  {sources: [{kind: 'async', given: 'iterable', items: 1, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'map', variant: 0}, {kind: 'flatMap', variant: 1}, {kind: 'map', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 6, abortReason: 'error'}, seed: 0},
  // C5: flatMap fails with nobody waiting and is closed between the end of its stop and the hand-over of its outcome.
  {sources: [{kind: 'generator', given: 'iterable', items: 2, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 2}, {kind: 'sync', given: 'iterable', items: 1, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 2}], stages: [{kind: 'flatMap', variant: 11}, {kind: 'map', variant: 0}, {kind: 'takeWhile', variant: 1}, {kind: 'map', variant: 0}], consumer: {steps: [{op: 'next'}, {op: 'wait', ticks: 7}], end: 'throw', abortReason: 'error'}, seed: -315081411},
  // C3 rule 1: an item decided below the signal before the abort, passed on by a stage above after it.
  {sources: [{kind: 'async', given: 'iterable', items: 4, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 2}], stages: [{kind: 'concat', variant: 3}, {kind: 'concat', variant: 0}, {kind: 'race', variant: 0}, {kind: 'pairwise', variant: 0}], consumer: {steps: [{op: 'next'}, {op: 'next'}], end: 'drain', abortAt: 38, abortReason: 'error'}, seed: 0},
  // C3 rule 1: the same through a generator stage and batch.
  {sources: [{kind: 'async', given: 'iterable', items: 1, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 1}], stages: [{kind: 'generator', variant: 0}, {kind: 'map', variant: 0}, {kind: 'batch', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 10, abortReason: 'error'}, seed: 0},
  // C4 after an abort: a borrow passes the owner's signal on to what it reads, or the owner's close order breaks.
  {sources: [{kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'withCleanup', variant: 0}, {kind: 'map', variant: 8}, {kind: 'catchError', variant: 1}, {kind: 'withCleanup', variant: 0}, {kind: 'borrow', variant: 0}, {kind: 'map', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 0, abortReason: 'error'}, seed: 0},
  // C3 rule 1: flatMap stopped on a read-ahead error nobody had received when the abort fired: the next next() gets the reason, the error is reported.
  {sources: [{kind: 'sync', given: 'iterable', items: 2, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'flatMap', variant: 7}], consumer: {steps: [{op: 'next'}], end: 'drain', abortAt: 4, abortReason: 'error'}, seed: -10247045},
  // C3 rule 1: the same for takeUntil, its source's close failing.
  {sources: [{kind: 'async', given: 'iterable', items: 1, returnThrows: true, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 1}], stages: [{kind: 'takeUntil', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 6, abortReason: 'error'}, seed: 769844899},
  // C3/C4: catchError took a stage's own abort below it for an error (handler called, then the borrow owner's close did not wait for the close below).
  {sources: [{kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: true, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'map', variant: 8}, {kind: 'catchError', variant: 7}, {kind: 'borrow', variant: 8}, {kind: 'map', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 0, abortReason: 'error'}, seed: 0},
  // The same under startWith.
  {sources: [{kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: true, signal: 'honour', settleOnReturn: false, jitter: 0}, {kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'startWith', variant: 0}, {kind: 'catchError', variant: 7}, {kind: 'borrow', variant: 0}], consumer: {steps: [], end: 'drain', abortAt: 0, abortReason: 'error'}, seed: 0},
  // C7: a callback error kept by the harness held the dropped concurrent map through its unread stack.
  {sources: [{kind: 'async', given: 'iterable', items: 3, parkTicks: 0, returnThrows: true, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'mapConcurrent', variant: 15}], consumer: {steps: [{op: 'next'}], end: 'abandon', abortReason: 'error'}, seed: 0},
  // C7: zip dropped while parked; an idle source held by the safety net reached the parked one through a shared close signal.
  {sources: [{kind: 'async', given: 'iterable', items: 0, parkAt: 0, throwAt: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}, {kind: 'async', given: 'iterable', items: 1, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'zip', variant: 0}, {kind: 'map', variant: 0}], consumer: {steps: [], end: 'abandon-parked', abortReason: 'error'}, seed: 0},
  // C7: the same for flatMap.
  {sources: [{kind: 'generator', given: 'iterable', items: 2, parkAt: 2, returnThrows: true, returnTicks: 2, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'flatMap', variant: 0}], consumer: {steps: [], end: 'abandon-parked', abortReason: 'error'}, seed: 0},
  // C7: merge dropped while parked; a close reason kept by a source held the stage through its unread stack.
  {sources: [{kind: 'async', given: 'iterable', items: 0, parkAt: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}, {kind: 'async', given: 'iterable', items: 0, returnThrows: false, returnTicks: 0, returnParks: false, signal: 'honour', settleOnReturn: false, jitter: 0}], stages: [{kind: 'merge', variant: 0}, {kind: 'map', variant: 0}], consumer: {steps: [], end: 'abandon-parked', abortReason: 'error'}, seed: 0},
  // C3: tee's consumers left (closed as cancelled by a merge that had seen the abort): the source's close signal must carry the abort's reason, the common signal as it was before they left.
  {sources: [{kind: 'async', given: 'iterable', items: 1, signal: 'honour'}, {kind: 'async', given: 'iterable', items: 0, signal: 'honour'}], stages: [{kind: 'tee', variant: 0}, {kind: 'merge', variant: 7}, {kind: 'flatMap', variant: 7}], consumer: {steps: [], end: 'drain', abortAt: 10, abortReason: 'error'}, seed: 0},
];
