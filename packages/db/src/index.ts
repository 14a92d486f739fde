/**
 * @customer-panel/db — the panel's data on in-process PGlite or a PostgreSQL
 * server: open and migrate a database, and the implementation of every core port
 * as one Effect layer.
 *
 * Other entries: `@customer-panel/db/repositories` (what the panel server reads and
 * writes beyond core's ports), `@customer-panel/db/schema` (the drizzle tables, tied
 * to the migrations of the same version) and `@customer-panel/db/testing`.
 */

// database.ts — opening and migrating a database
export {
  createDatabase,
  type Database,
  DatabaseFolderDamaged,
  type DatabaseOptions,
  DatabaseOptionsInvalid,
  type Db,
  fromPglite,
  MIGRATIONS_FOLDER,
  type PoolStats,
} from "./database.js";

// layer.ts — core's ports on this database
export { type DatabasePorts, databaseLayer } from "./layer.js";
// migration-state.ts — what a deploy still has to migrate (readiness)
export { pendingMigrations } from "./migration-state.js";
// replica-reads.ts — reports and exports read from a read replica
export { type ReplicaReadOptions, replicaReadsLayer } from "./replica-reads.js";
// row-export/row-export.ts — long exports: COPY on a server, keyset batches on PGlite
export { type RowExport, type RowExportOptions, rowExportFor } from "./row-export/row-export.js";
