import { Context, type Effect } from "effect";

/** New ids for what the use cases create. */
export class IdSource extends Context.Tag("customer-panel/IdSource")<
  IdSource,
  {
    /** A fresh UUID. */
    readonly uuid: Effect.Effect<string>;
  }
>() {}
