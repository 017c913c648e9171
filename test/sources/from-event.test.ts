import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromEvent, pipe, take, toArray } from 'iterscope';
import { badInputSuite, outcome } from '../helpers/contract.js';
import { recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  expect(recorded.reports).toEqual([]);
  recorded.stop();
});

/** An EventTarget that counts its listeners. */
class CountingTarget extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

describe('fromEvent', () => {
  it('EventEmitter: passes the first argument of each event; the listener is added at the first read and removed by take', async () => {
    const emitter = new EventEmitter();
    const stream = pipe(fromEvent<number>(emitter, 'data'), take(2));
    expect(emitter.listenerCount('data')).toBe(0);
    const collected = toArray(stream);
    await ticks(3);
    expect(emitter.listenerCount('data')).toBe(1);
    emitter.emit('data', 1);
    emitter.emit('data', 2, 'ignored');
    emitter.emit('data', 3);
    expect(await collected).toEqual([1, 2]);
    expect(emitter.listenerCount('data')).toBe(0);
    expect(emitter.listenerCount('error')).toBe(0);
  });

  it('EventTarget: passes the events; the listener is removed on break', async () => {
    const target = new CountingTarget();
    const seen: string[] = [];
    setTimeout(() => {
      target.dispatchEvent(new Event('ping'));
      target.dispatchEvent(new Event('ping'));
    }, 1);
    for await (const event of fromEvent<Event>(target, 'ping')) {
      seen.push(event.type);
      expect(target.listeners).toBe(1);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['ping', 'ping']);
    expect(target.listeners).toBe(0);
  });

  it('C3: an abort rejects the waiting read with the reason and removes the listener', async () => {
    const emitter = new EventEmitter();
    const controller = new AbortController();
    const read = outcome(fromEvent(emitter, 'data', { signal: controller.signal }).next());
    await ticks(2);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await read).toEqual({ ok: false, value: reason });
    await ticks(3);
    expect(emitter.listenerCount('data')).toBe(0);
  });

  it("an EventEmitter's 'error' event fails the stream and removes both listeners", async () => {
    const emitter = new EventEmitter();
    const stream = fromEvent(emitter, 'data');
    const read = outcome(stream.next());
    await ticks(2);
    const error = new Error('broken');
    emitter.emit('error', error);
    expect(await read).toEqual({ ok: false, value: error });
    expect(emitter.listenerCount('data')).toBe(0);
    expect(emitter.listenerCount('error')).toBe(0);
  });

  it("C5: an EventEmitter's 'error' nobody read is reported, under fromEvent, when the stream is closed", async () => {
    const emitter = new EventEmitter();
    const stream = fromEvent(emitter, 'data');
    const read = stream.next();
    await ticks(2);
    emitter.emit('data', 1);
    expect(await read).toEqual({ done: false, value: 1 });
    const error = new Error('broken while nobody read');
    emitter.emit('error', error);
    await stream.return();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'fromEvent', error }]);
    recorded.reports.length = 0; // seen: the afterEach check is for reports nobody expected
  });

  it('C1: a stream closed before its first read adds no listener', async () => {
    const emitter = new EventEmitter();
    await fromEvent(emitter, 'data').return();
    expect(emitter.listenerCount('data')).toBe(0);
  });
});

describe("fromEvent: 'error' events", () => {
  it("an EventTarget's 'error' event is just another event: it does not fail a stream of other events", async () => {
    const target = new EventTarget();
    const stage = fromEvent<Event>(target, 'ping');
    const first = stage.next();
    await ticks(2);
    target.dispatchEvent(new Event('error'));
    target.dispatchEvent(new Event('ping'));
    expect((await first).value?.type).toBe('ping');
    await stage.return();
  });

  it("an EventEmitter's stream of 'error' events has them as items", async () => {
    const emitter = new EventEmitter();
    const stage = fromEvent<string>(emitter, 'error');
    const first = stage.next();
    await ticks(2);
    emitter.emit('error', 'not a failure');
    expect(await first).toEqual({ done: false, value: 'not a failure' });
    await stage.return();
    expect(emitter.listenerCount('error')).toBe(0);
  });
});

badInputSuite('fromEvent', [
  ['target', () => fromEvent({} as never, 'x'), TypeError, /fromEvent: expected `target` to be an EventTarget or an EventEmitter, got an object/],
  ['type', () => fromEvent(new EventTarget(), 1 as never), TypeError, /fromEvent: expected `type` to be a string, got `1` \(number\)/],
  ['target null', () => fromEvent(null as never, 'x'), TypeError, /^fromEvent: expected `target` to be an EventTarget or an EventEmitter, got `null`/],
  ['target a string', () => fromEvent('emitter' as never, 'x'), TypeError, /^fromEvent: expected `target`/],
  ['on without off', () => fromEvent({ on: () => undefined } as never, 'x'), TypeError, /^fromEvent: expected `target`/],
  ['off without on', () => fromEvent({ off: () => undefined } as never, 'x'), TypeError, /^fromEvent: expected `target`/],
  ['a function with on and off', () => fromEvent(Object.assign(() => undefined, { on: () => undefined, off: () => undefined }) as never, 'x'), TypeError, /^fromEvent: expected `target`.*got a function/],
  ['options', () => fromEvent(new EventTarget(), 'x', { closeTimeout: -1 }), RangeError, /^fromEvent: expected `options.closeTimeout`/],
]);
