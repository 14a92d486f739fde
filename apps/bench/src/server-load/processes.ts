import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort } from "@customer-panel/db/testing";

/** A server process the load generator aims at. */
export interface ServerProcess {
  readonly url: string;
  /** The process id, for a profile or a look at its memory. */
  readonly pid: number;
  /** SIGTERM, then waits for the exit. */
  readonly stop: () => Promise<void>;
}

const SERVER_APP = new URL("../../../server/", import.meta.url);

/**
 * Builds the `customer-panel` command (apps/server/scripts/build.mjs: dist/main.js, about a
 * second) so the bench measures the built server, as it is deployed.
 */
export const buildPanelServer = (): string => {
  const built = spawnSync(
    process.execPath,
    [fileURLToPath(new URL("scripts/build.mjs", SERVER_APP))],
    { encoding: "utf8" },
  );
  if (built.status !== 0) throw new Error(`building customer-panel failed: ${built.stderr}`);
  return fileURLToPath(new URL("dist/main.js", SERVER_APP));
};

const waitUntilAnswering = async (child: ChildProcess, url: string, stderr: () => string) => {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited ${child.exitCode}: ${stderr()}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/**
 * Starts a process that listens on PORT and waits until `readyPath` answers 200. Its stdout
 * (the panel server's JSON request log) goes to /dev/null: written by the server, as in
 * production, but not read by the bench, whose CPU drives the load.
 */
const startProcess = async (
  args: readonly string[],
  env: Record<string, string>,
  readyPath: string,
): Promise<ServerProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, [...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    await waitUntilAnswering(child, `${url}${readyPath}`, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return { url, pid: child.pid ?? 0, stop };
};

/** Extra node flags for a server process (`--cpu-prof` …), from BENCH_SERVER_NODE_OPTIONS. */
const nodeFlags = (): string[] =>
  (process.env.BENCH_SERVER_NODE_OPTIONS ?? "").split(" ").filter((flag) => flag !== "");

/** `customer-panel serve --no-worker` (the built command) on `databaseUrl`. */
export const startPanelServer = (
  command: string,
  databaseUrl: string,
  poolSize: number,
): Promise<ServerProcess> =>
  startProcess(
    [...nodeFlags(), command, "serve", "--no-worker"],
    {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    },
    "/readyz",
  );

/** The minimal `node:http` + `pg` baseline (baseline-server.ts, through tsx's loader). */
export const startBaselineServer = (
  databaseUrl: string,
  poolSize: number,
): Promise<ServerProcess> => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const script = fileURLToPath(new URL("baseline-server.ts", import.meta.url));
  return startProcess(
    [...nodeFlags(), "--import", tsx, script],
    { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(poolSize) },
    "/ready",
  );
};
