import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RULES_DOC_PATH, readRulesIndex, renderRulesDoc } from "./rules-index.js";

// Writes docs/rules.md from docs/spec.md and the workspace's test titles (B8).
const root = fileURLToPath(new URL("../../../", import.meta.url));
writeFileSync(join(root, RULES_DOC_PATH), renderRulesDoc(readRulesIndex(root)));
