import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSON_SCHEMAS_DIR, readJsonSchemas, renderJsonSchemas } from "./json-schemas.js";

// Writes packages/client/schemas from core's input and output schemas (issue 16); files of
// procedures that no longer exist are removed.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = join(root, JSON_SCHEMAS_DIR);
mkdirSync(dir, { recursive: true });
const files = renderJsonSchemas();
const keep = new Set(files.map((f) => f.name));
for (const old of readJsonSchemas(dir)) if (!keep.has(old.name)) rmSync(join(dir, old.name));
for (const file of files) writeFileSync(join(dir, file.name), file.text);
