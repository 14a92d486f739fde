import { describe, expect, it } from "vitest";
import { readConfig, VARIABLES } from "../src/config.js";
import { runCommand } from "./fixtures/cli.js";

/**
 * Issue 17 configuration: every bad or missing variable is named, one line each, and the
 * command exits 1 before it touches anything; `--help` lists every variable.
 */

const problemsOf = (env: Record<string, string>, mail = false) => {
  const read = readConfig(env, { mail });
  return "problems" in read ? read.problems.map((p) => p.variable) : [];
};

const BASE = { DATABASE_URL: "postgres://panel@db.internal:5432/panel" };

describe("configuration from the environment", () => {
  it("takes the defaults when only DATABASE_URL is given", () => {
    expect(readConfig(BASE, { mail: false })).toEqual({
      config: {
        DATABASE_URL: BASE.DATABASE_URL,
        DIRECT_DATABASE_URL: undefined,
        READ_DATABASE_URL: undefined,
        DATABASE_POOL_SIZE: 10,
        PORT: 3000,
        HOST: "0.0.0.0",
        SMTP_URL: undefined,
        MAIL_FROM: undefined,
        LOG_LEVEL: "info",
        TRUST_PROXY: false,
        SHUTDOWN_TIMEOUT_MS: 25_000,
      },
    });
    expect(problemsOf({ DATABASE_URL: "/var/lib/customer-panel" })).toEqual([]);
  });

  it.each([
    ["DATABASE_URL", {}],
    ["DATABASE_URL", { DATABASE_URL: "" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://x/y" }],
    ["DIRECT_DATABASE_URL", { ...BASE, DIRECT_DATABASE_URL: "pgbouncer:6432" }],
    ["READ_DATABASE_URL", { ...BASE, READ_DATABASE_URL: "http://replica" }],
    ["DIRECT_DATABASE_URL", { DATABASE_URL: "./data", DIRECT_DATABASE_URL: BASE.DATABASE_URL }],
    ["READ_DATABASE_URL", { DATABASE_URL: "./data", READ_DATABASE_URL: BASE.DATABASE_URL }],
    ["DATABASE_POOL_SIZE", { ...BASE, DATABASE_POOL_SIZE: "0" }],
    ["PORT", { ...BASE, PORT: "http" }],
    ["PORT", { ...BASE, PORT: "70000" }],
    ["SMTP_URL", { ...BASE, SMTP_URL: "mail.example.com" }],
    ["LOG_LEVEL", { ...BASE, LOG_LEVEL: "verbose" }],
    ["TRUST_PROXY", { ...BASE, TRUST_PROXY: "yes" }],
    ["SHUTDOWN_TIMEOUT_MS", { ...BASE, SHUTDOWN_TIMEOUT_MS: "-1" }],
  ] as const)("names %s when it is %j", (variable, env) => {
    expect(problemsOf(env)).toEqual([variable]);
  });

  it("needs SMTP_URL and MAIL_FROM only where the export worker runs", () => {
    expect(problemsOf(BASE, false)).toEqual([]);
    expect(problemsOf(BASE, true)).toEqual(["SMTP_URL", "MAIL_FROM"]);
    expect(problemsOf({ ...BASE, SMTP_URL: "smtp://mail:587", MAIL_FROM: "a@b.c" }, true)).toEqual(
      [],
    );
  });

  it("the command names each bad variable on its own line and exits 1", async () => {
    const done = await runCommand(["serve"], {
      PORT: "eighty",
      LOG_LEVEL: "loud",
      SHUTDOWN_TIMEOUT_MS: "soon",
    });
    expect(done.code).toBe(1);
    expect(done.stdout).toBe("");
    expect(done.stderr.trim().split("\n")).toEqual([
      "customer-panel: DATABASE_URL is required",
      "customer-panel: PORT must be a whole number",
      "customer-panel: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
      "customer-panel: SHUTDOWN_TIMEOUT_MS must be a whole number",
      "customer-panel: SMTP_URL is required where the email export worker runs (or serve --no-worker)",
      "customer-panel: MAIL_FROM is required where the email export worker runs",
    ]);
  });

  it("with --json each problem is a JSON line naming its variable", async () => {
    const done = await runCommand(["teams", "create", "--name", "T", "--json"], {
      DATABASE_URL: "ftp://nowhere",
    });
    expect(done.code).toBe(1);
    expect(
      done.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        error: {
          code: "CONFIG_INVALID",
          variable: "DATABASE_URL",
          message: "DATABASE_URL must be a postgres:// URL or a PGlite folder path",
        },
      },
    ]);
  });

  it("--help lists every variable and command; a bad command line exits 2", async () => {
    const help = await runCommand(["--help"], {});
    expect(help.code).toBe(0);
    for (const variable of Object.keys(VARIABLES)) expect(help.stdout).toContain(variable);
    for (const command of ["migrate", "serve", "worker", "teams create", "credentials issue"]) {
      expect(help.stdout).toContain(command);
    }
    const unknown = await runCommand(["teams", "rename"], { DATABASE_URL: "/tmp/unused" });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("teams needs one of: create, set-features, set-zone");
  });
});
