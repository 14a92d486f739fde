import { z } from "zod";

/**
 * The server's configuration, read from the environment once at start and validated with
 * zod: every bad or missing variable is reported by name, then the process exits 1.
 */

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

const postgresUrl = z
  .string()
  .regex(POSTGRES_URL, "must be a postgres:// URL")
  .refine((value) => URL.canParse(value), "must be a valid URL");

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const flag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1");

/** The variables, each with its schema and the line `--help` prints. */
export const VARIABLES = {
  DATABASE_URL: {
    schema: z
      .string({ error: "is required" })
      .min(1, "is required")
      .refine(
        (value) =>
          POSTGRES_URL.test(value) ||
          !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ||
          value.startsWith("file://"),
        "must be a postgres:// URL or a PGlite folder path",
      )
      .refine((value) => !POSTGRES_URL.test(value) || URL.canParse(value), "must be a valid URL"),
    help: "required: postgres://… (PostgreSQL, through a pooler or not) or a folder path (PGlite, one process)",
  },
  DIRECT_DATABASE_URL: {
    schema: postgresUrl.optional(),
    help: "postgres://… without the transaction pooler, for LISTEN and migrations; giving it also turns named prepared statements off on DATABASE_URL",
  },
  READ_DATABASE_URL: {
    schema: postgresUrl.optional(),
    help: "postgres://… of a read replica: tag reports and CSV exports read from it",
  },
  DATABASE_POOL_SIZE: {
    schema: integer(1, 1_000).default(10),
    help: "connections of each pool (default 10)",
  },
  PORT: {
    schema: integer(0, 65_535).default(3000),
    help: "HTTP port: serve's API and probes, worker's probes (default 3000; 0 picks a free one)",
  },
  HOST: {
    schema: z.string().min(1, "must not be empty").default("0.0.0.0"),
    help: "address to listen on (default 0.0.0.0)",
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\/\S+$/, "must be an smtp:// or smtps:// URL")
      .optional(),
    help: "smtp://user:pass@host:587 or smtps://… — required where the email export worker runs",
  },
  MAIL_FROM: {
    schema: z.string().min(3, "must be a sender address").optional(),
    help: 'sender of emailed exports, e.g. "Support <support@example.com>" — required with SMTP_URL',
  },
  LOG_LEVEL: {
    schema: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
    help: "fatal | error | warn | info (default) | debug | trace | silent",
  },
  TRUST_PROXY: {
    schema: flag.default(false),
    help: "true behind a reverse proxy that sets X-Request-Id: the incoming id is kept (default false: a new id for every request)",
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: integer(0, 600_000).default(25_000),
    help: "how long requests, downloads and the worker may finish after SIGTERM (default 25000)",
  },
} as const;

type Variables = typeof VARIABLES;

/** The validated configuration. */
export type Config = { readonly [K in keyof Variables]: z.output<Variables[K]["schema"]> };

/** One bad or missing variable. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** What a command needs beyond DATABASE_URL. */
export interface ConfigNeeds {
  /** The email export worker runs in this process: SMTP_URL and MAIL_FROM are required. */
  readonly mail: boolean;
}

const emptyAsMissing = (value: string | undefined) => (value === "" ? undefined : value);

/** Reads and checks the environment: the configuration, or every problem found. */
export const readConfig = (
  env: NodeJS.ProcessEnv,
  needs: ConfigNeeds,
): { readonly config: Config } | { readonly problems: readonly ConfigProblem[] } => {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const [variable, { schema }] of Object.entries(VARIABLES)) {
    const result = (schema as z.ZodType).safeParse(emptyAsMissing(env[variable]));
    if (result.success) values[variable] = result.data;
    else problems.push({ variable, message: result.error.issues[0]?.message ?? "is invalid" });
  }
  const config = values as Config;
  const bad = new Set(problems.map((p) => p.variable));
  const isFolder = !bad.has("DATABASE_URL") && !POSTGRES_URL.test(config.DATABASE_URL);
  for (const variable of ["DIRECT_DATABASE_URL", "READ_DATABASE_URL"] as const) {
    if (isFolder && config[variable] !== undefined) {
      problems.push({ variable, message: "needs DATABASE_URL to be a postgres:// URL too" });
    }
  }
  if (needs.mail) {
    if (config.SMTP_URL === undefined && !bad.has("SMTP_URL")) {
      problems.push({
        variable: "SMTP_URL",
        message: "is required where the email export worker runs (or serve --no-worker)",
      });
    }
    if (config.MAIL_FROM === undefined && !bad.has("MAIL_FROM")) {
      problems.push({
        variable: "MAIL_FROM",
        message: "is required where the email export worker runs",
      });
    }
  }
  return problems.length > 0 ? { problems } : { config };
};

/** The `--help` lines of the variables. */
export const variablesHelp = (): string[] =>
  Object.entries(VARIABLES).map(([name, { help }]) => `  ${name.padEnd(22)} ${help}`);
