import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderPermissionsDoc } from "../src/rules/permissions-doc.js";

// Renders docs/permissions.md at the repository root from the permissions matrix (X1, B8).
const target = fileURLToPath(new URL("../../../docs/permissions.md", import.meta.url));
writeFileSync(target, renderPermissionsDoc());
console.log(`wrote ${target}`);
