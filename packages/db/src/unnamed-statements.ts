import pg from "pg";

/**
 * Issue 17: behind PgBouncer in transaction mode (1.18, Debian's) a named prepared statement
 * lives on one server connection, while the next transaction of the same client may run on
 * another: "prepared statement … does not exist", or "… already exists" when another client
 * lands on the connection that has it. This client sends every statement unnamed: node-postgres
 * still uses the extended protocol (parameters bound, never spliced into the SQL), only the
 * server plans it again on each call.
 */

// A query config object, not a Submittable (COPY, cursors): only these carry a statement name.
const isNamedConfig = (config: unknown): config is { name: unknown } =>
  typeof config === "object" &&
  config !== null &&
  typeof (config as { submit?: unknown }).submit !== "function" &&
  (config as { name?: unknown }).name !== undefined;

/** A node-postgres client that drops the `name` of every query config: no named prepared statements. */
export class UnnamedStatementsClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: passes through every overload of pg's query.
  override query(config: unknown, ...rest: any[]): any {
    if (isNamedConfig(config)) {
      const { name: _dropped, ...unnamed } = config;
      return super.query(unnamed as pg.QueryConfig, ...rest);
    }
    return super.query(config as pg.QueryConfig, ...rest);
  }
}
