import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildRulesIndex,
  checkRules,
  citedRules,
  RULES_DOC_COMMAND,
  renderRulesDoc,
  testTitles,
} from "../../scripts/rules-index.js";
import { parseSpecRules, readSpecRules } from "../../scripts/spec-rules.js";
import { CAPABILITY_GATES } from "../../src/rules/capabilities.js";
import { ACTION_RULES } from "../../src/rules/permissions-matrix.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

describe("B8 the rules are executable: every rule of docs/spec.md is cited by tests, and docs/rules.md is generated", () => {
  it("docs/spec.md is in the repository and defines the rules", () => {
    expect(checkRules(root).filter((p) => p.kind.startsWith("spec-"))).toEqual([]);
    expect(readSpecRules(root)?.length).toBeGreaterThan(0);
  });

  it("every rule of docs/spec.md is cited by at least one test", () => {
    expect(checkRules(root).filter((p) => p.kind === "untested-rule")).toEqual([]);
  });

  it("no test cites a rule that docs/spec.md does not define", () => {
    expect(checkRules(root).filter((p) => p.kind === "unknown-rule")).toEqual([]);
  });

  it(`docs/rules.md is current (run \`${RULES_DOC_COMMAND}\` when this fails)`, () => {
    expect(checkRules(root).filter((p) => p.kind === "stale-doc")).toEqual([]);
  });

  it("docs/permissions.md cites only rules of docs/spec.md (matrix actions and capability gates)", () => {
    const ids = new Set((readSpecRules(root) ?? []).map(({ id }) => id));
    const cited = [
      ...Object.values(ACTION_RULES).flat(),
      ...Object.values(CAPABILITY_GATES).flatMap((gate) => gate.rules),
    ];
    expect(cited.filter((id) => !ids.has(id))).toEqual([]);
  });

  it("reads rule ranges written T3–T5 or L2-L4 as every rule in between", () => {
    expect(citedRules("T3–T5 repeat tagging", "LT")).toEqual(["T3", "T4", "T5"]);
    expect(citedRules("L2-L4 orders", "LT")).toEqual(["L2", "L3", "L4"]);
    expect(citedRules("X2 isolation, not AX2 or T2", "X")).toEqual(["X2"]);
    expect(citedRules("X22 is rule-shaped too", "X")).toEqual(["X22"]);
  });
});

// The fixture's rules use the letter Q, which the real spec does not, so its test titles
// below are not citations of this repository.
const FIXTURE_SPEC = [
  "# Fixture spec",
  "",
  "### Q1 — The first rule",
  "",
  "Prose citing Q2 is not a definition.",
  "",
  "### **Q2** — The second rule",
  "",
].join("\n");

describe("B8 the rules check fails for each way the spec and the tests can part", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A repository with the given files, relative to its root. */
  const repository = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), "rules-index-"));
    roots.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  /** The same repository with its docs/rules.md generated. */
  const generated = (dir: string): string => {
    const rules = parseSpecRules(FIXTURE_SPEC);
    writeFileSync(
      join(dir, "docs/rules.md"),
      renderRulesDoc(buildRulesIndex(rules, testTitles(dir))),
    );
    return dir;
  };
  const kinds = (dir: string) => checkRules(dir).map((p) => p.kind);
  const tests = (...titles: string[]) => titles.map((t) => `it("${t}", () => {});`).join("\n");

  it("passes a repository whose rules are all cited and whose index is current", () => {
    const dir = generated(
      repository({
        "docs/spec.md": FIXTURE_SPEC,
        "packages/a/test/a.test.ts": tests("Q1 first", "Q2 second"),
      }),
    );
    expect(checkRules(dir)).toEqual([]);
  });

  it("fails when docs/spec.md is missing", () => {
    const dir = repository({ "packages/a/test/a.test.ts": tests("Q1 first") });
    expect(checkRules(dir)).toEqual([
      { kind: "spec-missing", message: "docs/spec.md is missing: the rules are read from it" },
    ]);
  });

  it("fails when docs/spec.md defines no rule, or one rule twice", () => {
    expect(kinds(repository({ "docs/spec.md": "# Nothing here\n" }))).toEqual(["spec-invalid"]);
    const twice = `${FIXTURE_SPEC}\n### Q1 — Again\n`;
    expect(checkRules(repository({ "docs/spec.md": twice }))).toEqual([
      { kind: "spec-invalid", message: "docs/spec.md defines rule Q1 twice" },
    ]);
  });

  it("fails when a rule of the spec has no test citing it", () => {
    const dir = generated(
      repository({ "docs/spec.md": FIXTURE_SPEC, "apps/b/b.test.ts": tests("Q1 first") }),
    );
    expect(checkRules(dir)).toEqual([
      { kind: "untested-rule", message: "Q2 (The second rule) is cited by no test" },
    ]);
  });

  it("fails when a test cites a rule the spec does not define, also inside a range", () => {
    const dir = generated(
      repository({
        "docs/spec.md": FIXTURE_SPEC,
        "packages/a/test/a.test.ts": tests("Q1–Q3 all of them"),
      }),
    );
    expect(checkRules(dir)).toEqual([
      {
        kind: "unknown-rule",
        message:
          'packages/a/test/a.test.ts: "Q1–Q3 all of them" cites Q3, which docs/spec.md does not define',
      },
    ]);
  });

  it("fails when docs/rules.md is stale or missing", () => {
    const files = {
      "docs/spec.md": FIXTURE_SPEC,
      "packages/a/test/a.test.ts": tests("Q1 first", "Q2 second"),
    };
    const dir = generated(repository(files));
    writeFileSync(
      join(dir, "packages/a/test/a.test.ts"),
      tests("Q1 first", "Q2 second", "Q2 third"),
    );
    expect(checkRules(dir)).toEqual([
      { kind: "stale-doc", message: "docs/rules.md is stale: run `pnpm run docs`" },
    ]);
    expect(checkRules(repository(files))).toEqual([
      { kind: "stale-doc", message: "docs/rules.md is missing: run `pnpm run docs`" },
    ]);
  });

  it("reads rule titles from level-3 headings only", () => {
    expect(parseSpecRules(FIXTURE_SPEC)).toEqual([
      { id: "Q1", title: "The first rule" },
      { id: "Q2", title: "The second rule" },
    ]);
  });
});
