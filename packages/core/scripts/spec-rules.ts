import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * B8: the rule IDs of the product specification, read from docs/spec.md — the one
 * place a rule is defined. A rule is a level-3 heading `### **P1** — Title` (the bold is optional).
 */

/** Where the specification lives, relative to the repository root. */
export const SPEC_PATH = "docs/spec.md";

/** One rule of the specification: its ID (letter and number) and its short title. */
export interface SpecRule {
  readonly id: string;
  readonly title: string;
}

const RULE_HEADING = /^###[ \t]+(?:\*\*)?([A-Z][0-9]+)(?:\*\*)?[ \t]+—[ \t]+(\S.*?)[ \t]*$/gm;

/** The rules of a specification's markdown, in order; throws on a duplicate ID or on none. */
export const parseSpecRules = (markdown: string): SpecRule[] => {
  const rules = [...markdown.matchAll(RULE_HEADING)].map((m) => ({
    id: m[1] ?? "",
    title: m[2] ?? "",
  }));
  if (rules.length === 0) {
    throw new Error(`${SPEC_PATH} defines no rule (expected headings like "### **P1** — Title")`);
  }
  const seen = new Set<string>();
  for (const { id } of rules) {
    if (seen.has(id)) throw new Error(`${SPEC_PATH} defines rule ${id} twice`);
    seen.add(id);
  }
  return rules;
};

/** The rules of the specification under `root`, or null when the file is missing. */
export const readSpecRules = (root: string): SpecRule[] | null => {
  const path = join(root, SPEC_PATH);
  return existsSync(path) ? parseSpecRules(readFileSync(path, "utf8")) : null;
};
