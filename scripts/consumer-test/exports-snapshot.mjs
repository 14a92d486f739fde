// The public surface of every entry of the packed packages, as the compiler sees it in an
// installed project: each export name with "value" or "type". It is compared with the
// committed exports.snapshot.txt, so a change to the public surface shows up in review;
// `UPDATE_EXPORTS_SNAPSHOT=1 pnpm test:consumer` rewrites the file after a deliberate change.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SNAPSHOT = join(dirname(fileURLToPath(import.meta.url)), "exports.snapshot.txt");

/** The entries a consumer may import. */
export const ENTRIES = [
  "@customer-panel/client",
  "@customer-panel/core",
  "@customer-panel/core/adapter",
  "@customer-panel/core/contract",
  "@customer-panel/db",
  "@customer-panel/db/repositories",
  "@customer-panel/db/schema",
  "@customer-panel/db/testing",
  "@customer-panel/trpc",
];

const surfaceOf = (project) => {
  const source = ENTRIES.map((entry, i) => `export * as e${i} from "${entry}";`).join("\n");
  const file = join(project, "exports-snapshot-probe.ts");
  writeFileSync(file, `${source}\n`);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const lines = [];
  for (const entry of ENTRIES) {
    const resolved = ts.resolveModuleName(entry, file, program.getCompilerOptions(), ts.sys);
    const fileName = resolved.resolvedModule?.resolvedFileName;
    const sourceFile = fileName && program.getSourceFile(fileName);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol)
      throw new Error(`exports snapshot: ${entry} does not resolve to declarations`);
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const kind = target.flags & ts.SymbolFlags.Value ? "value" : "type";
      lines.push(`${entry} ${kind} ${symbol.getName()}`);
    }
  }
  return `${lines.sort().join("\n")}\n`;
};

/** Compares the installed packages' public surface with the committed snapshot. */
export const checkExportsSnapshot = (project) => {
  const actual = surfaceOf(project);
  if (process.env.UPDATE_EXPORTS_SNAPSHOT) {
    writeFileSync(SNAPSHOT, actual);
    console.log(`  exports snapshot written: ${actual.split("\n").length - 1} exports`);
    return;
  }
  const expected = readFileSync(SNAPSHOT, "utf8");
  if (actual === expected) {
    console.log(`  exports snapshot: ${actual.split("\n").length - 1} exports, unchanged`);
    return;
  }
  const was = new Set(expected.split("\n").filter(Boolean));
  const now = new Set(actual.split("\n").filter(Boolean));
  const added = [...now].filter((line) => !was.has(line)).map((line) => `  + ${line}`);
  const removed = [...was].filter((line) => !now.has(line)).map((line) => `  - ${line}`);
  console.error([...removed, ...added].join("\n"));
  throw new Error(
    "the public surface differs from scripts/consumer-test/exports.snapshot.txt " +
      "(UPDATE_EXPORTS_SNAPSHOT=1 pnpm test:consumer records a deliberate change)",
  );
};
