import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  citedRules,
  collectCitations,
  RULES_DOC_COMMAND,
  renderRulesDoc,
} from "../../scripts/rules-index.js";
import { SPEC_RULES } from "../../src/spec-rules.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const specPath = `${root}../shared/spec/SPEC.md`;

describe("B8 the rules are executable: every SPEC rule is cited by tests, and docs/rules.md is generated", () => {
  const citations = collectCitations(root);

  it.each(SPEC_RULES.map(([id, title]) => [id, title]))(
    "%s (%s) is cited by at least one test",
    (id) => {
      expect(citations.get(id)?.length ?? 0).toBeGreaterThan(0);
    },
  );

  it(`docs/rules.md is current (run \`${RULES_DOC_COMMAND}\` when this fails)`, () => {
    expect(readFileSync(`${root}docs/rules.md`, "utf8")).toBe(renderRulesDoc(citations));
  });

  it("reads rule ranges written T3–T5 or L2-L4 as every rule in between", () => {
    expect(citedRules("T3–T5 repeat tagging")).toEqual(["T3", "T4", "T5"]);
    expect(citedRules("L2-L4 orders")).toEqual(["L2", "L3", "L4"]);
    expect(citedRules("X2 isolation, not X22 or AX2")).toEqual(["X2"]);
  });

  // SPEC.md lives beside the repository (../shared) on developer and CI machines.
  const spec = existsSync(specPath) ? readFileSync(specPath, "utf8") : null;
  it("lists exactly the rule IDs of SPEC.md, when SPEC.md is beside the repository", () => {
    if (spec === null) {
      expect(existsSync(specPath)).toBe(false);
      return;
    }
    const ids = [...spec.matchAll(/^- \*\*([A-Z][0-9]+)\*\*/gm)].map((m) => m[1]);
    expect(SPEC_RULES.map(([id]) => id)).toEqual(ids);
  });
});
