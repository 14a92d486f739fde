import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { readSpecRules, SPEC_PATH, type SpecRule } from "./spec-rules.js";

/**
 * B8: the rules↔tests index. Reads the rule IDs of docs/spec.md and every test file
 * of the workspace, takes the titles of its describe/it/test blocks, and lists under
 * each rule the tests whose title cites it. `checkRules` names what is wrong: no spec,
 * a rule no test cites, a test citing a rule the spec does not have, a stale index.
 */

/** One test title, with the file it is in. */
export interface Citation {
  readonly file: string;
  readonly title: string;
}

/** A test title citing a rule ID that the specification does not define. */
export interface UnknownCitation extends Citation {
  readonly id: string;
}

/** The rules of the specification, the tests citing each, and the citations of no rule. */
export interface RulesIndex {
  readonly rules: readonly SpecRule[];
  readonly byRule: ReadonlyMap<string, readonly Citation[]>;
  readonly unknown: readonly UnknownCitation[];
}

/** What `checkRules` found wrong, with a message that says how to fix it. */
export interface RulesProblem {
  readonly kind: "spec-missing" | "spec-invalid" | "untested-rule" | "unknown-rule" | "stale-doc";
  readonly message: string;
}

/** Where the generated index lives, relative to the repository root. */
export const RULES_DOC_PATH = "docs/rules.md";

/** The command that regenerates docs/rules.md. */
export const RULES_DOC_COMMAND = "pnpm run docs";

const TITLE =
  /\b(?:describe|it|test)(?:\.(?:each|prop)\([^)]*\)|\.(?:each|prop)\(\[[\s\S]*?\]\))?\(\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
/** A range longer than this (`T1–T99`) is read as its two ends only. */
const MAX_RANGE = 20;

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });

/**
 * Rule-shaped IDs a text cites — a letter of `letters` and a number, not part of a
 * longer word — expanding ranges written like `T3–T5` or `L2-L4`.
 */
export const citedRules = (text: string, letters: string): string[] => {
  const letter = `[${letters.replace(/[^A-Z]/g, "")}]`;
  const found = new Set<string>();
  const range = new RegExp(`\\b(${letter})([0-9]+)\\s*[–-]\\s*\\1?([0-9]+)\\b`, "g");
  for (const [, prefix, from, to] of text.matchAll(range)) {
    const [start, end] = [Number(from), Number(to)];
    if (end < start || end - start > MAX_RANGE) continue;
    for (let n = start; n <= end; n++) found.add(`${prefix}${n}`);
  }
  for (const m of text.matchAll(new RegExp(`(?<![A-Za-z0-9])(${letter}[0-9]+)(?![0-9])`, "g"))) {
    found.add(m[1] ?? "");
  }
  return [...found];
};

/** Every describe/it/test title of the test files under `root`'s packages/ and apps/. */
export const testTitles = (root: string): Citation[] =>
  ["packages", "apps"]
    .map((d) => join(root, d))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => testFiles(dir).sort())
    .flatMap((path) => {
      const file = relative(root, path).split("\\").join("/");
      return [...readFileSync(path, "utf8").matchAll(TITLE)].map((m) => ({
        file,
        title: (m[2] ?? "").replace(/\s+/g, " ").trim(),
      }));
    });

/** Sorts the titles under the rules they cite; a cited ID the spec lacks is `unknown`. */
export const buildRulesIndex = (
  rules: readonly SpecRule[],
  titles: readonly Citation[],
): RulesIndex => {
  const byRule = new Map<string, Citation[]>(rules.map(({ id }) => [id, []]));
  const letters = [...new Set(rules.map(({ id }) => id[0]))].join("");
  const unknown: UnknownCitation[] = [];
  for (const citation of titles) {
    for (const id of citedRules(citation.title, letters)) {
      const cited = byRule.get(id);
      if (cited) cited.push(citation);
      else unknown.push({ ...citation, id });
    }
  }
  return { rules, byRule, unknown };
};

/** Renders docs/rules.md from the index. */
export const renderRulesDoc = ({ rules, byRule }: RulesIndex): string => {
  const lines = [
    "# Rules ↔ tests",
    "",
    `> Generated from [the specification](spec.md) and the test titles by \`${RULES_DOC_COMMAND}\`;`,
    "> a test fails when it is stale, when a rule of the spec has no test, or when a test",
    "> cites a rule the spec does not have. Do not edit by hand.",
    "",
    "| rule | tests |",
    "|---|---|",
    ...rules.map(
      ({ id, title }) =>
        `| [${id}](#${id.toLowerCase()}) ${title} | ${byRule.get(id)?.length ?? 0} |`,
    ),
    "",
  ];
  for (const { id, title } of rules) {
    lines.push(`## ${id}`, "", title, "");
    const byFile = new Map<string, string[]>();
    for (const c of byRule.get(id) ?? []) {
      byFile.set(c.file, [...(byFile.get(c.file) ?? []), c.title]);
    }
    for (const [file, titles] of byFile) {
      lines.push(`- \`${file}\``);
      for (const t of [...new Set(titles)]) lines.push(`  - ${t.replace(/\|/g, "\\|")}`);
    }
    lines.push("");
  }
  return lines.join("\n");
};

/** The index of the repository at `root`: its spec's rules and its tests' titles. */
export const readRulesIndex = (root: string): RulesIndex => {
  const rules = readSpecRules(root);
  if (rules === null) throw new Error(`${SPEC_PATH} is missing under ${root}`);
  return buildRulesIndex(rules, testTitles(root));
};

/** Everything wrong with the rules of the repository at `root`; empty when all is well. */
export const checkRules = (root: string): RulesProblem[] => {
  let rules: SpecRule[] | null;
  try {
    rules = readSpecRules(root);
  } catch (error) {
    return [{ kind: "spec-invalid", message: (error as Error).message }];
  }
  if (rules === null) {
    return [
      { kind: "spec-missing", message: `${SPEC_PATH} is missing: the rules are read from it` },
    ];
  }
  const index = buildRulesIndex(rules, testTitles(root));
  const problems: RulesProblem[] = [];
  for (const { id, title } of rules) {
    if ((index.byRule.get(id)?.length ?? 0) === 0) {
      problems.push({ kind: "untested-rule", message: `${id} (${title}) is cited by no test` });
    }
  }
  for (const { id, file, title } of index.unknown) {
    problems.push({
      kind: "unknown-rule",
      message: `${file}: "${title}" cites ${id}, which ${SPEC_PATH} does not define`,
    });
  }
  const docPath = join(root, RULES_DOC_PATH);
  const committed = existsSync(docPath) ? readFileSync(docPath, "utf8") : null;
  if (committed !== renderRulesDoc(index)) {
    problems.push({
      kind: "stale-doc",
      message: `${RULES_DOC_PATH} is ${committed === null ? "missing" : "stale"}: run \`${RULES_DOC_COMMAND}\``,
    });
  }
  return problems;
};
