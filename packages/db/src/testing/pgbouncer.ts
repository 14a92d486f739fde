import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Issue 17: a PgBouncer in transaction mode in front of a PostgreSQL server, started as a
 * child process for one test file and stopped after. Debian's package is 1.18: it does
 * not keep named prepared statements across transactions, and a session (LISTEN, session
 * advisory locks, SET) does not outlive a transaction.
 */

/** Where the pgbouncer binary is: `PGBOUNCER_BIN`, else Debian's path, else the PATH. */
const binaryCandidates = (): string[] =>
  [process.env.PGBOUNCER_BIN, "/usr/sbin/pgbouncer", "pgbouncer"].filter(
    (b): b is string => b !== undefined && b !== "",
  );

const runs = (binary: string): boolean => {
  try {
    execFileSync(binary, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** The pgbouncer binary of this machine, or null when none is installed. */
export const pgbouncerBinary = (): string | null => binaryCandidates().find(runs) ?? null;

/** Options of {@link startPgBouncer}. */
export interface PgBouncerOptions {
  /** The server behind it: `postgres://user@host:port/…` (trust auth; the path is ignored). */
  readonly serverUrl: string;
  /** `transaction` (default) or `session`. */
  readonly poolMode?: "transaction" | "session";
  /** Server connections per database and user (default 10). */
  readonly poolSize?: number;
}

/** A running PgBouncer. */
export interface PgBouncer {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** `url` with its host and port replaced by the pooler's: the same database, pooled. */
  readonly pooled: (url: string) => string;
  /** Stops the process and removes its folder. */
  readonly stop: () => Promise<void>;
}

/** A TCP port of 127.0.0.1 that was free a moment ago (for a server a test starts). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

const configOf = (folder: string, port: number, server: URL, options: PgBouncerOptions) => {
  const user = decodeURIComponent(server.username || "postgres");
  return [
    "[databases]",
    // Any database name is passed through to the same server.
    `* = host=${server.hostname} port=${server.port || "5432"} application_name=pgbouncer`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "auth_type = trust",
    `auth_file = ${path.join(folder, "users.txt")}`,
    `pool_mode = ${options.poolMode ?? "transaction"}`,
    `default_pool_size = ${options.poolSize ?? 10}`,
    "max_client_conn = 500",
    `pidfile = ${path.join(folder, "pgbouncer.pid")}`,
    `logfile = ${path.join(folder, "pgbouncer.log")}`,
    `admin_users = ${user}`,
    "",
  ].join("\n");
};

/**
 * Starts PgBouncer on a free port of 127.0.0.1 in front of `serverUrl` and waits until it
 * accepts connections. It refuses to run as root: as root it is started with `-u postgres`.
 * Throws when pgbouncer is not installed (see {@link pgbouncerBinary}).
 */
export const startPgBouncer = async (options: PgBouncerOptions): Promise<PgBouncer> => {
  const binary = pgbouncerBinary();
  if (binary === null) throw new Error("pgbouncer is not installed (apt-get install pgbouncer)");
  const server = new URL(options.serverUrl);
  const folder = mkdtempSync(path.join(tmpdir(), "pgbouncer-"));
  // Readable and writable by the postgres user it switches to when started as root.
  chmodSync(folder, 0o777);
  const port = await freePort();
  const user = decodeURIComponent(server.username || "postgres");
  writeFileSync(path.join(folder, "users.txt"), `"${user}" ""\n`, { mode: 0o644 });
  const ini = path.join(folder, "pgbouncer.ini");
  writeFileSync(ini, configOf(folder, port, server, options), { mode: 0o644 });
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(binary, asRoot ? ["-u", "postgres", ini] : [ini], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(folder, { recursive: true, force: true });
      throw new Error(`pgbouncer did not start: ${stderr.trim() || "no output"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    pooled: (url) => {
      const pooled = new URL(url);
      pooled.hostname = "127.0.0.1";
      pooled.port = String(port);
      return pooled.toString();
    },
    stop: async () => {
      if (child.exitCode === null) {
        // SIGTERM: immediate shutdown (clients are cut off); SIGKILL if it lingers.
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
};
