import { parseArgs } from "node:util";
import type { Database } from "@customer-panel/db";
import type { AdminOptions, CommandResult } from "./admin-commands.js";
import { type Config, type ConfigNeeds, readConfig, variablesHelp } from "./config.js";
import { errorSummary } from "./lifecycle.js";
import { UsageError } from "./usage-error.js";

// The database, server and logger modules are imported when a command needs them, so
// `--help` and a configuration error answer at once.

const HELP = [
  "customer-panel — the customer panel's server and its operator commands",
  "",
  "Usage: customer-panel <command> [options] [--json]",
  "",
  "Commands:",
  "  migrate                                      apply the database migrations (before new servers start)",
  "  serve [--no-worker]                          the HTTP API with /healthz, /readyz, /metrics, and the email export worker",
  "  worker                                       the email export worker alone, with /healthz, /readyz, /metrics on PORT",
  "  teams create --name N [--time-zone Z] [--feature F]…",
  "  teams set-features --team ID [--on F]… [--off F]…   F: pixel, omo, conversationExport",
  "  teams set-zone --team ID --time-zone Z       an IANA zone, e.g. Asia/Taipei",
  "  members add --team ID --name N --role R      R: admin, supervisor, cs_manager, cs_agent, sales_manager, sales",
  "  members set-role --team ID --member ID --role R",
  "  members remove --team ID --member ID",
  "  credentials issue --team ID --member ID [--client web|app|api] [--label L]   a member's bearer token",
  "  credentials issue --team ID --integration [--label L]                      a team's integration API key",
  "  credentials revoke --id ID",
  "  credentials list --team ID",
  "",
  "  --json   print the answer (or the error) as JSON",
  "  --help   this text",
  "",
  "Environment (validated at start; a bad or missing variable is named and the exit code is 1):",
  ...variablesHelp(),
  "",
  "Exit codes: 0 done, 1 configuration error or refused (a stable code is printed), 2 bad command line.",
].join("\n");

const OPTIONS = {
  help: { type: "boolean" },
  json: { type: "boolean" },
  "no-worker": { type: "boolean" },
  name: { type: "string" },
  "time-zone": { type: "string" },
  feature: { type: "string", multiple: true },
  on: { type: "string", multiple: true },
  off: { type: "string", multiple: true },
  team: { type: "string" },
  member: { type: "string" },
  role: { type: "string" },
  client: { type: "string" },
  integration: { type: "boolean" },
  label: { type: "string" },
  id: { type: "string" },
} as const;

type Out = { readonly json: boolean };

const fail = (out: Out, code: string, message: string, extra: Record<string, unknown> = {}) => {
  if (out.json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...extra } })}\n`);
  else process.stderr.write(`customer-panel: ${message}\n`);
};

const configOrExit = (out: Out, needs: ConfigNeeds): Config => {
  const read = readConfig(process.env, needs);
  if ("config" in read) return read.config;
  for (const { variable, message } of read.problems) {
    fail(out, "CONFIG_INVALID", `${variable} ${message}`, { variable });
  }
  process.exit(1);
};

const print = (out: Out, result: CommandResult) => {
  process.stdout.write(
    out.json ? `${JSON.stringify(result.json)}\n` : `${result.lines.join("\n")}\n`,
  );
};

/** Runs `work` on the configured database and closes it; refusals exit 1 with their code. */
const withDatabase = async (out: Out, work: (database: Database) => Promise<CommandResult>) => {
  const config = configOrExit(out, { mail: false });
  const { openPrimary } = await import("./open-database.js");
  const database = await openPrimary(config);
  try {
    print(out, await work(database));
  } finally {
    await database.close();
  }
};

/** The command groups of admin-commands.ts. */
const ADMIN_GROUPS = ["teams", "members", "credentials"];

/** The refusals of the admin commands and of db's team and member administration. */
const REFUSALS = new Set(["CommandRefused", "TeamChangeRefused", "MemberChangeRefused"]);

const isRefusal = (error: unknown): error is Error & { readonly code: string } =>
  error instanceof Error &&
  REFUSALS.has(error.name) &&
  typeof (error as { code?: unknown }).code === "string";

const run = async (argv: readonly string[]): Promise<void> => {
  const parsed = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const out: Out = { json: parsed.values.json === true };
  const [command, sub, ...extra] = parsed.positionals;
  if (parsed.values.help === true || command === undefined || command === "help") {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  try {
    if (extra.length > 0) throw new UsageError(`unexpected "${extra.join(" ")}"`);
    switch (command) {
      case "migrate":
        await withDatabase(out, async (database) => {
          const { pendingMigrations } = await import("@customer-panel/db");
          const pending = await pendingMigrations(database);
          await database.migrate();
          return {
            json: { migrated: pending, pending: await pendingMigrations(database) },
            lines: [
              pending === 0 ? "migrations: already current" : `migrations: applied ${pending}`,
            ],
          };
        });
        return;
      case "serve":
      case "worker": {
        const withWorker = command === "worker" || parsed.values["no-worker"] !== true;
        const config = configOrExit(out, { mail: withWorker });
        const { pino } = await import("pino");
        const { exitOnSignals } = await import("./lifecycle.js");
        const logger = pino({
          level: config.LOG_LEVEL,
          base: { service: "customer-panel", role: command },
          timestamp: pino.stdTimeFunctions.isoTime,
        });
        const running =
          command === "serve"
            ? await (await import("./serve.js")).serve(config, { worker: withWorker, logger })
            : await (await import("./worker.js")).runWorker(config, logger);
        exitOnSignals(logger, running.shutdown);
        return;
      }
      default: {
        if (!ADMIN_GROUPS.includes(command)) throw new UsageError(`unknown command "${command}"`);
        // A configuration error is told before the database modules load.
        configOrExit(out, { mail: false });
        const { ADMIN_COMMANDS } = await import("./admin-commands.js");
        const group = ADMIN_COMMANDS[command];
        if (group === undefined) throw new UsageError(`unknown command "${command}"`);
        const action = sub === undefined ? undefined : group[sub];
        if (action === undefined) {
          throw new UsageError(`${command} needs one of: ${Object.keys(group).join(", ")}`);
        }
        await withDatabase(out, (database) => action(database, parsed.values as AdminOptions));
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      fail(out, "USAGE", `${error.message} (see --help)`);
      process.exit(2);
    }
    if (isRefusal(error)) {
      fail(out, error.code, error.message);
      process.exit(1);
    }
    throw error;
  }
};

run(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof TypeError &&
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    fail({ json: process.argv.includes("--json") }, "USAGE", `${error.message} (see --help)`);
    process.exit(2);
  }
  const summary = errorSummary(error);
  fail(
    { json: process.argv.includes("--json") },
    "FAILED",
    `failed: ${String(summary.message)}`,
    summary,
  );
  process.exit(1);
});
