-- Row exports (R3's records, L7's transcript) run as COPY, which takes no parameters: their
-- values are bound to set_config(…, true) in the export's transaction and read back by the
-- select (packages/db/src/row-export/copy-export.ts). Read back as an init plan, a value was
-- hidden from the planner, which then planned every window as a generic thousand rows: a
-- serial index scan and a sort spilled to disk where it would otherwise run a parallel scan
-- (issue 15: a 30-day records export +49 %). Read back through these functions, the planner
-- evaluates the value once, while it plans the statement, and plans with it as a constant —
-- what a bound parameter is to a custom plan; nothing is read again per row.
--
-- They are declared IMMUTABLE so that the planner folds them, although the setting they read
-- changes between transactions: call them only with a literal setting name, in a statement
-- planned right after its set_config (the row exports do), never in an index, a view, a
-- column default or a prepared statement, whose plan would keep an old value.
CREATE OR REPLACE FUNCTION "panel_export_value"("setting" text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT current_setting("setting") $$;
--> statement-breakpoint
-- timestamptz's input depends on the session's settings, so a cast of the text above would not
-- be folded: instants come through their own function.
CREATE OR REPLACE FUNCTION "panel_export_instant"("setting" text) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT current_setting("setting")::timestamptz $$;
