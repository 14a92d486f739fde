import type { Db } from "./database.js";

/**
 * A statement built once per database, on first use: `build(db)` is a drizzle query ending in
 * `.prepare(name)`. drizzle then keeps its SQL text (no query builder work per call) and
 * node-postgres prepares it by name once per connection, so PostgreSQL parses and plans it
 * once per connection too. With `namedStatements: false` (behind a transaction pooler) the
 * name is dropped on the wire and only the built text is reused.
 */
export const preparedPerDatabase = <S>(build: (db: Db) => S): ((db: Db) => S) => {
  const built = new WeakMap<Db, S>();
  return (db) => {
    let statement = built.get(db);
    if (statement === undefined) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
};
