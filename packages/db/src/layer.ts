import {
  ChangeFeed,
  Conversations,
  Directory,
  ExportOutbox,
  IdSource,
  Ingestion,
  Navigation,
  Omo,
  PanelReader,
  Preferences,
  Profiles,
  TagReports,
  Tags,
  Transactions,
} from "@customer-panel/core/adapter";
import { Layer } from "effect";
import type { Db } from "./database.js";
import { makeChangeFeed, makeIdSource } from "./repositories/change-feed.js";
import { makeConversations } from "./repositories/conversations.js";
import { makeDirectory, makePreferences } from "./repositories/directory.js";
import { makeExportOutbox } from "./repositories/export-outbox.js";
import { makeIngestion } from "./repositories/ingestion.js";
import { makeNavigation } from "./repositories/navigation.js";
import { makeOmo } from "./repositories/omo.js";
import { makePanelReader } from "./repositories/panel-reader.js";
import { makeProfiles } from "./repositories/profiles.js";
import { makeTagReports } from "./repositories/tag-reports.js";
import { makeTags } from "./repositories/tags.js";
import { makeTransactions } from "./repositories/transactions.js";
import type { RowExport } from "./row-export/row-export.js";

/** Every port core's use cases need, except the Mailer (the host chooses how mail leaves). */
export type DatabasePorts =
  | ChangeFeed
  | Conversations
  | Directory
  | ExportOutbox
  | IdSource
  | Ingestion
  | Navigation
  | Omo
  | PanelReader
  | Preferences
  | Profiles
  | TagReports
  | Tags
  | Transactions;

/**
 * The database's implementation of core's ports, as one Layer. `rows` is how long exports
 * read (`rowExportFor(database)`: COPY on a server); without it they read keyset batches on
 * `db`, as a transaction's handle must.
 */
export const databaseLayer = (db: Db, rows?: RowExport): Layer.Layer<DatabasePorts> =>
  Layer.mergeAll(
    Layer.succeed(ChangeFeed, makeChangeFeed(db)),
    Layer.succeed(Conversations, makeConversations(db, rows)),
    Layer.succeed(Directory, makeDirectory(db)),
    Layer.succeed(ExportOutbox, makeExportOutbox(db)),
    Layer.succeed(IdSource, makeIdSource()),
    Layer.succeed(Ingestion, makeIngestion(db)),
    Layer.succeed(Navigation, makeNavigation(db)),
    Layer.succeed(Omo, makeOmo(db)),
    Layer.succeed(PanelReader, makePanelReader(db)),
    Layer.succeed(Preferences, makePreferences(db)),
    Layer.succeed(Profiles, makeProfiles(db)),
    Layer.succeed(TagReports, makeTagReports(db, rows)),
    Layer.succeed(Tags, makeTags(db)),
    Layer.succeed(Transactions, makeTransactions(db)),
  );
