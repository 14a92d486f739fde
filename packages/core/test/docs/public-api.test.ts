import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// House rule: a package's entries list what they export (no `export *`), and every
// exported name carries a doc comment where it is declared. This checks every entry
// of every package of the workspace, so the rule cannot rot as exports are added.

const PACKAGES = fileURLToPath(new URL("../../../", import.meta.url));

/** Each source entry of each workspace package: `@scope/name/subpath` → file. */
const workspaceEntries = (): Map<string, string> => {
  const entries = new Map<string, string>();
  for (const dir of readdirSync(PACKAGES)) {
    const manifest = JSON.parse(readFileSync(join(PACKAGES, dir, "package.json"), "utf8")) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== "string" || !target.endsWith(".ts")) continue;
      entries.set(`${manifest.name}${subpath.slice(1)}`, join(PACKAGES, dir, target));
    }
  }
  return entries;
};

/** What breaks the rule in the given entry files, one line per problem. */
const publicApiProblems = (entries: ReadonlyMap<string, string>): string[] => {
  const program = ts.createProgram([...entries.values()], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  for (const [entry, file] of entries) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!source || !module) {
      problems.push(`${entry}: not a module (${file})`);
      continue;
    }
    for (const statement of source.statements) {
      const star =
        ts.isExportDeclaration(statement) &&
        !ts.isNamedExports(statement.exportClause ?? statement);
      if (star) problems.push(`${entry}: export * (${statement.getText(source)})`);
    }
    for (const symbol of checker.getExportsOfModule(module)) {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const doc = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
      if (doc === "") problems.push(`${entry}: ${symbol.getName()} has no doc comment`);
    }
  }
  return problems.sort();
};

describe("public API: explicit export lists, a doc comment per export", () => {
  it("finds the entries of core, db and trpc in their package.json exports", () => {
    const names = [...workspaceEntries().keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        "@customer-panel/core",
        "@customer-panel/core/adapter",
        "@customer-panel/db",
        "@customer-panel/db/testing",
        "@customer-panel/trpc",
      ]),
    );
  });

  it("every entry lists its exports and every export is documented", () => {
    expect(publicApiProblems(workspaceEntries())).toEqual([]);
  }, 60_000);

  it("reports an undocumented export and an export *", () => {
    const dir = mkdtempSync(join(tmpdir(), "public-api-"));
    try {
      writeFileSync(
        join(dir, "rules.ts"),
        "/** Documented. */\nexport const kept = 1;\nexport const bare = 2;\nexport type Bare = number;\n",
      );
      writeFileSync(join(dir, "entry.ts"), 'export * from "./rules.js";\n');
      expect(publicApiProblems(new Map([["fixture", join(dir, "entry.ts")]]))).toEqual([
        "fixture: Bare has no doc comment",
        "fixture: bare has no doc comment",
        'fixture: export * (export * from "./rules.js";)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
