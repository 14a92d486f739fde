import { Context, type Effect } from "effect";
import type { PanelChange } from "../domain/panel-change.js";

/** Publishes panel changes to subscribers (PostgreSQL NOTIFY, in-process for tests). */
export class ChangeFeed extends Context.Tag("customer-panel/ChangeFeed")<
  ChangeFeed,
  {
    /** Publishes after the change committed; best effort (a reload shows the truth). */
    readonly publish: (change: PanelChange) => Effect.Effect<void>;
  }
>() {}
