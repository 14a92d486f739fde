import { resolve } from "node:path";
import { DatabaseFolderDamaged } from "@customer-panel/db";
import { serve } from "./serve.js";
import { runWalkthrough } from "./walkthrough.js";

/**
 * `pnpm demo` runs the walkthrough into ./demo-output; `pnpm demo serve [--data-dir DIR]`
 * serves the API on PORT (default 3000). Paths are relative to where pnpm was started
 * (INIT_CWD), not to apps/demo where pnpm runs the script.
 */

const root = process.env.INIT_CWD ?? process.cwd();
const args = process.argv.slice(2).filter((arg) => arg !== "--");

/** The value of `--name VALUE` or `--name=VALUE`, or null. */
const option = (name: string): string | null => {
  const at = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at === -1) return null;
  const arg = args[at] ?? "";
  const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[at + 1];
  if (value === undefined || value === "" || value.startsWith("--")) {
    throw new Error(`${name} needs a value`);
  }
  return value;
};

const runServe = async () => {
  const dataDir = option("--data-dir");
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error("PORT must be a port");
  const server = await serve({
    dataDir: dataDir === null ? null : resolve(root, dataDir),
    port,
    host: process.env.HOST ?? "127.0.0.1",
    mailDir: resolve(root, "demo-output", "mail"),
    out: (line) => console.log(line),
  });
  // Under `pnpm demo`, pnpm relays our output and exits on Ctrl-C first: a write to the
  // closed pipe must not crash the shutdown before the database is closed.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing the server, export worker, change stream and database…`);
    server.close().then(
      () => {
        console.log("closed.");
        process.exit(0);
      },
      (error: unknown) => {
        console.error("shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
};

const runDemo = async () => {
  const started = performance.now();
  const result = await runWalkthrough({
    out: (line) => console.log(line),
    outputDir: resolve(root, "demo-output"),
  });
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  // Non-zero when any step did not end as the rules say: the walkthrough checks itself.
  process.exitCode = result.failures.length === 0 ? 0 : 1;
};

const command = args[0] === "serve" ? runServe : runDemo;
command().catch((error: unknown) => {
  // A damaged data folder: its message says which and what to do; PGlite's cause is noise.
  console.error(error instanceof DatabaseFolderDamaged ? error.message : error);
  process.exit(1);
});
