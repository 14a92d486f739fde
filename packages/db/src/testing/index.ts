/**
 * @customer-panel/db/testing — what tests of the panel's database need, for this
 * repository's suites and for teams that test their own code against the panel:
 * a fresh migrated database per test on PGlite (and on PostgreSQL when
 * `TEST_DATABASE_URL` is set), seeding of teams, members, customers and messages, and a
 * PgBouncer in transaction mode in front of a server (issue 17).
 */

export {
  type Engine,
  type EngineHandle,
  engines,
  serverEngine,
  withDatabaseName,
} from "./engines.js";
export {
  freePort,
  type PgBouncer,
  type PgBouncerOptions,
  pgbouncerBinary,
  startPgBouncer,
} from "./pgbouncer.js";
export {
  type CustomerSeed,
  seedCustomer,
  seedMember,
  seedMessages,
  seedTeam,
  type TeamSeed,
} from "./seed.js";
