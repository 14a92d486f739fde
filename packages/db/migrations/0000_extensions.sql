-- pg_trgm backs L9 search (customer names, message text, any script) and T2 tag
-- suggestions. Created here so PostgreSQL gets it too; PGlite must be started with
-- the pg_trgm extension loaded (src/database.ts does).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
