import { defineConfig } from "drizzle-kit";

// `casing` must match the runtime's (src/database.ts): snake_case in SQL.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema.ts",
  out: "./migrations",
  casing: "snake_case",
});
