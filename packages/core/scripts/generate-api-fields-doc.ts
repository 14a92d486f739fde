import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderApiFields, withApiFields } from "./api-fields-doc.js";

// Rewrites the generated output tables of docs/api.md from core's output schemas (issue 16).
const file = join(fileURLToPath(new URL("../../../", import.meta.url)), "docs/api.md");
const updated = withApiFields(readFileSync(file, "utf8"), renderApiFields());
if (updated === null) throw new Error("docs/api.md has no generated:outputs markers");
writeFileSync(file, updated);
