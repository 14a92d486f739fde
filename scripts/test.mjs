#!/usr/bin/env node
// `pnpm test`: typecheck + lint + every test project + the consumer test, then one summary.
// Steps run in order and all run even when one fails, so a single run shows everything.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const results = [];
const step = (name, command, args) => {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${command} ${args.join(" ")}`);
  const { status } = spawnSync(command, args, { stdio: "inherit", shell: false });
  results.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
  return status === 0;
};

const resultsFile = ".vitest-results.json";
rmSync(resultsFile, { force: true });
step("typecheck", "pnpm", ["-r", "--workspace-concurrency=1", "typecheck"]);
step("lint", "pnpm", ["exec", "biome", "check", "."]);
step("tests", "pnpm", [
  "exec",
  "vitest",
  "run",
  "--config",
  "vitest.workspace.ts",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${resultsFile}`,
]);

// Packs every package and uses the tarballs from a fresh npm project (docs/decisions.md).
step("consumer", "node", ["scripts/consumer-test/run.mjs"]);

let counts = null;
if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, "utf8"));
  counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    files: report.numTotalTestSuites,
  };
  rmSync(resultsFile, { force: true });
}

console.log("\n── summary ──────────────────────────────");
for (const r of results) {
  console.log(`${r.ok ? "✓" : "✗"} ${r.name.padEnd(10)} ${r.seconds.toFixed(1)} s`);
}
if (process.env.TEST_DATABASE_URL) console.log("  PostgreSQL: TEST_DATABASE_URL is set");
else console.log("  PostgreSQL: TEST_DATABASE_URL not set — database tests run on PGlite only");
const allOk = results.every((r) => r.ok) && counts !== null && counts.passed > 0;
if (counts) {
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
} else {
  console.log("0 passed, 1 failed");
}
process.exit(allOk ? 0 : 1);
