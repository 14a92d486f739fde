import { Layer } from "effect";
import type {
  ChangeFeed,
  Conversations,
  Directory,
  ExportOutbox,
  IdSource,
  Ingestion,
  Mailer,
  Navigation,
  Omo,
  PanelReader,
  Preferences,
  Profiles,
  TagReports,
  Tags,
  Transactions,
} from "../../src/adapter.js";
import { conversationsLayer } from "./in-memory/conversations.js";
import { deliveryLayer } from "./in-memory/delivery.js";
import { directoryLayer } from "./in-memory/directory.js";
import { ingestionLayer } from "./in-memory/ingestion.js";
import { navigationLayer } from "./in-memory/navigation.js";
import { panelReaderLayer } from "./in-memory/panel-reader.js";
import { profilesLayer } from "./in-memory/profiles.js";
import { makeSeed, type Seed } from "./in-memory/seed.js";
import { emptyState, type InMemoryState, makeUuids } from "./in-memory/state.js";
import { tagsLayer } from "./in-memory/tags.js";
import { transactionsLayer } from "./in-memory/transactions.js";

/** Every port the use cases need. */
export type AllPorts =
  | Directory
  | Preferences
  | PanelReader
  | Profiles
  | Tags
  | TagReports
  | Conversations
  | Ingestion
  | Omo
  | ExportOutbox
  | Mailer
  | Navigation
  | ChangeFeed
  | IdSource
  | Transactions;

/** One in-memory world: the ports as a layer, the state they share, and seed helpers. */
export interface InMemoryPorts {
  readonly layer: Layer.Layer<AllPorts>;
  readonly state: InMemoryState;
  readonly seed: Seed;
}

/**
 * The reference model of the ports' contract (src/ports/): every lookup team-scoped,
 * every decision run on the current state and applied in one synchronous step (JS is
 * single-threaded, so that step is the lock). IdSource ids come from the `8000` space,
 * ids the adapter mints itself (customers, conversations, log entries) from `9000`.
 */
export const makeInMemoryPorts = (): InMemoryPorts => {
  const state = emptyState();
  const adapterId = makeUuids("9000");
  const layer = Layer.mergeAll(
    directoryLayer(state),
    deliveryLayer(state, makeUuids("8000")),
    panelReaderLayer(state),
    profilesLayer(state),
    tagsLayer(state),
    conversationsLayer(state, adapterId),
    ingestionLayer(state, adapterId),
    navigationLayer(state),
    transactionsLayer(state),
  );
  return { layer, state, seed: makeSeed(state) };
};

export type { InMemoryState } from "./in-memory/state.js";
