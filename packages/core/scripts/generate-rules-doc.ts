import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { collectCitations, renderRulesDoc } from "./rules-index.js";

// Writes docs/rules.md from the workspace's test titles (B8).
const root = fileURLToPath(new URL("../../../", import.meta.url));
writeFileSync(`${root}docs/rules.md`, renderRulesDoc(collectCitations(root)));
