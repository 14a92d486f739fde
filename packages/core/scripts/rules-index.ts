import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { SPEC_RULES } from "../src/spec-rules.js";

/**
 * B8: the rules↔tests index. Reads every test file of the workspace, takes the
 * titles of its describe/it/test blocks, and lists under each rule ID the tests
 * whose title (or file name) cites it.
 */

/** One test title citing rules. */
export interface Citation {
  readonly file: string;
  readonly title: string;
}

const TITLE =
  /\b(?:describe|it|test)(?:\.(?:each|prop)\([^)]*\)|\.(?:each|prop)\(\[[\s\S]*?\]\))?\(\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
const RULE = /(?<![A-Za-z0-9])([PETRLOXB][0-9])(?![0-9])/g;
const KNOWN = new Set<string>(SPEC_RULES.map(([id]) => id));

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });

/** Rule IDs a text cites, expanding ranges written like `T3–T5` or `L2-L4`. */
export const citedRules = (text: string): string[] => {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b([A-Z])([0-9])\s*[–-]\s*\1?([0-9])\b/g)) {
    const [, letter, from, to] = m;
    for (let n = Number(from); n <= Number(to); n++) found.add(`${letter}${n}`);
  }
  for (const m of text.matchAll(RULE)) found.add(m[1] ?? "");
  return [...found].filter((id) => KNOWN.has(id));
};

/** Every citation of every rule in the workspace's test files under `root`. */
export const collectCitations = (root: string): Map<string, Citation[]> => {
  const byRule = new Map<string, Citation[]>(SPEC_RULES.map(([id]) => [id, []]));
  const dirs = ["packages", "apps"].map((d) => join(root, d));
  for (const dir of dirs) {
    let files: string[] = [];
    try {
      files = testFiles(dir);
    } catch {
      continue;
    }
    for (const path of files.sort()) {
      const file = relative(root, path).split("\\").join("/");
      const source = readFileSync(path, "utf8");
      for (const m of source.matchAll(TITLE)) {
        const title = (m[2] ?? "").replace(/\s+/g, " ").trim();
        for (const id of citedRules(title)) byRule.get(id)?.push({ file, title });
      }
    }
  }
  return byRule;
};

/** The command that regenerates docs/rules.md. */
export const RULES_DOC_COMMAND = "pnpm docs";

/** Renders docs/rules.md from the citations. */
export const renderRulesDoc = (byRule: Map<string, Citation[]>): string => {
  const lines = [
    "# Rules ↔ tests",
    "",
    `> Generated from the test titles by \`${RULES_DOC_COMMAND}\`; a test fails when it is stale`,
    "> or when a rule of SPEC.md has no test. Do not edit by hand.",
    "",
    "| rule | tests |",
    "|---|---|",
    ...SPEC_RULES.map(
      ([id, title]) =>
        `| [${id}](#${id.toLowerCase()}) ${title} | ${byRule.get(id)?.length ?? 0} |`,
    ),
    "",
  ];
  for (const [id, title] of SPEC_RULES) {
    lines.push(`## ${id}`, "", title, "");
    const citations = byRule.get(id) ?? [];
    const byFile = new Map<string, string[]>();
    for (const c of citations) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c.title]);
    for (const [file, titles] of byFile) {
      lines.push(`- \`${file}\``);
      for (const t of [...new Set(titles)]) lines.push(`  - ${t.replace(/\|/g, "\\|")}`);
    }
    lines.push("");
  }
  return lines.join("\n");
};
