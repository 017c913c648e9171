/**
 * The names iterscope writes on spans. One place, so the docs, the tests and the code agree.
 */

/** How the stream (or item) ended: `completed`, `error`, `cancelled`, `aborted`, `abandoned`. */
export const OUTCOME = 'iterscope.outcome';
/** How many items the stream delivered (int). */
export const ITEMS = 'iterscope.items';
/**
 * Seconds from the span's start (when `traced` was applied to its source) to the first
 * item. Same unit as the GenAI convention `gen_ai.response.time_to_first_chunk`, under
 * iterscope's own name because not every stream is a model response.
 */
export const TIME_TO_FIRST_ITEM = 'iterscope.time_to_first_item';
/** Event added when the first item arrives. */
export const FIRST_ITEM_EVENT = 'iterscope.first_item';
/** Event added by `itemEvent`, with the item's index. */
export const ITEM_EVENT = 'iterscope.item';
/** The index of an item (on `iterscope.item` events and on `mapTraced` item spans). */
export const ITEM_INDEX = 'iterscope.item.index';
/** Items whose event was not offered to `itemEvent` because `maxItemEvents` was reached. */
export const ITEM_EVENTS_DROPPED = 'iterscope.item_events_dropped';
/** Event added when closing the source failed (C5: never lost, even when `for await` drops it). */
export const CLOSE_ERROR_EVENT = 'iterscope.close_error';
/**
 * The semantic-convention attribute naming the class of error a span ended with (set only
 * with status ERROR): the error's `name` when it says more than `Error`, else its class
 * name, else `_OTHER`.
 */
export const ERROR_TYPE = 'error.type';
/** The value of `error.type` when the thrown value has no usable name (a string, a number...). */
export const ERROR_TYPE_OTHER = '_OTHER';
