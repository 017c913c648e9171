/**
 * The base of the stages that hold items back until a timer fires (debounce, batchTime).
 * Such a stage must keep reading its source while the timer runs, even when nobody is
 * waiting on it: debounce must see a newer item to know the held one is stale, batchTime
 * must fill its batch. So it reads through an input of its own ({@link InputsStage}), one
 * read at a time, and answers the consumer from what it released; closing, abort, the close
 * signal and the safety net still come from `StageBase`.
 *
 * When it reads:
 * - while a `next()` waits and nothing released is left to answer it with;
 * - while the timer runs (reading ahead), as long as nothing released waits for the
 *   consumer. A slow consumer therefore stops the reading: at most what the read in flight
 *   adds waits beside what was released, never an unbounded backlog.
 *
 * The source's end or failure releases what is held at once (no wait for the timer), and
 * the consumer receives it before the end or the error (C5: nothing read is dropped for
 * an error that came after it). An abort is different: it wins at once (C3), held items
 * are dropped, as on `return()`.
 */
import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import type { Input, InputSink } from '../input.js';
import { classify, type Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { StageTimer, type TimerOwner } from '../timer.js';
import { closeAll, InputsStage } from './children.js';

/** @internal */
export abstract class TimedStage<Out, In> extends InputsStage<Out, In> implements InputSink<In>, TimerOwner {
  /** C7: holds the stage weakly; cleared on every stop and by the safety net (timer.ts). */
  protected readonly timer = new StageTimer(this);
  private readonly input: Input<In>;
  /** Released, waiting for a `next()`: bounded, since nothing is read while it is not empty. */
  private readonly ready: Out[] = [];
  /** A `next()` waits for an answer. */
  private wanted = false;
  /** The source reported done or failed: no further reads (C1). */
  private ended = false;
  /** The source's error, passed after what it released; NO_ERROR if none. */
  private failure: unknown = NO_ERROR;

  constructor(name: string, source: Source<In>, options: StageOptions | undefined) {
    const classified = classify(name, source);
    super(name, options);
    this.input = this.inputOf(classified, 0, this);
  }

  /** An item arrived: hold it, start the timer, or {@link pass} something at once. */
  protected abstract collect(value: In): void;

  /** {@link pass} what is held, if anything: its time came, it is full, or the source ended. */
  protected abstract release(): void;

  /** What is held is due now: the timer stops and it is passed. */
  protected releaseNow(): void {
    this.timer.clear();
    this.release();
  }

  /** Hand `out` to the consumer: now if a `next()` waits, else when one comes. */
  protected pass(out: Out): void {
    this.ready.push(out);
  }

  protected override pull(): void {
    this.wanted = true;
    this.answer();
  }

  /** The timer fired: what is held is due. @internal */
  timerFired(): void {
    if (!this.isOpen) return;
    this.release();
    this.answer();
  }

  inputResult(_input: Input<In>, result: IteratorResult<In>): void {
    if (!this.isOpen) return; // closed while the read was in flight: the late item is dropped
    if (result.done === true) {
      this.ended = true;
      this.releaseNow(); // the source ended: what is held is passed at once, then done
    } else {
      this.collect(result.value);
    }
    this.answer();
  }

  inputError(input: Input<In>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: failed after the stage stopped: reported, not lost
      return;
    }
    if (this.endedByAbort(error, input.iterator)) {
      // C3: an abort below is an abort here, at once; what is held is dropped, as on any abort.
      this.sourceFailed(error, input.iterator);
      return;
    }
    // C5: what the source produced before failing reaches the consumer first, then the error.
    this.ended = true;
    this.failure = error;
    this.keep(error); // reported if the stream is abandoned before it is read (C7)
    this.releaseNow();
    this.answer();
  }

  /** Answer a waiting `next()` if there is an answer, then read on if the rules above say so. */
  private answer(): void {
    if (!this.isOpen) return;
    if (this.wanted) {
      if (this.ready.length > 0) {
        this.wanted = false;
        this.emit(this.ready.shift() as Out); // may ask for the next answer at once (queued next())
      } else if (this.ended) {
        this.wanted = false;
        this.end();
        return;
      }
    }
    this.readMore();
  }

  private readMore(): void {
    if (!this.isOpen || this.ended || this.input.reading || this.ready.length > 0) return;
    if (this.wanted || this.timer.running) this.input.read(this.sourceSignal);
  }

  /** Everything released was passed: finish, or fail with the source's error (C1: not closed). */
  private end(): void {
    const failure = this.failure;
    this.failure = NO_ERROR;
    if (failure === NO_ERROR) this.finish(false);
    else this.sourceFailed(failure, this.input.iterator);
  }

  // Every stop (return, throw, abort, an error, the source's end) comes through here: the
  // timer is cleared, what is held is dropped, then the source is closed unless it
  // finished (C1, C4).
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    this.timer.clear();
    this.release(); // into `ready`, emptied next: dropped with the stream
    this.ready.length = 0;
    // C5: a source error nobody asked for is reported, not dropped with the items.
    const failure = this.failure;
    this.failure = NO_ERROR;
    if (failure !== NO_ERROR) this.lateError(failure);
    return closeAll([this.input], exit, deadlineAt, this.stageName);
  }
}
