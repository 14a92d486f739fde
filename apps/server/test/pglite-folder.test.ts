import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runJson, type ServeProcess, shippedMigrations, startServe } from "./fixtures/cli.js";

/**
 * Issue 17, the small install: DATABASE_URL is a PGlite folder. `migrate` fills it, `serve`
 * (one process: PGlite is in-process) answers ready, and SIGTERM stops it with exit 0.
 */
describe("the customer-panel command on a PGlite folder", () => {
  let folder = "";
  let serving: ServeProcess | undefined;

  afterAll(async () => {
    serving?.child.kill("SIGKILL");
    if (folder !== "") await rm(folder, { recursive: true, force: true });
  });

  it("migrates, serves ready, and stops on SIGTERM with exit 0", async () => {
    folder = await mkdtemp(join(tmpdir(), "customer-panel-server-"));
    const env = { DATABASE_URL: join(folder, "data") };
    expect(await runJson(["migrate"], env)).toEqual({
      migrated: await shippedMigrations(),
      pending: 0,
    });
    serving = await startServe(["serve", "--no-worker"], {
      ...env,
      PORT: "0",
      HOST: "127.0.0.1",
    });
    const ready = await fetch(`${serving.url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${serving.url}/metrics`)).text();
    // PGlite has no pool: the pool gauge has no series, the others are there.
    expect(metrics).not.toMatch(/panel_db_pool_connections\{/);
    expect(metrics).toMatch(/panel_sse_streams_open 0/);
    serving.child.kill("SIGTERM");
    expect(await serving.exited).toBe(0);
    expect(serving.lines().map((line) => JSON.parse(line).msg)).toEqual(
      expect.arrayContaining(["serving", "request", "shutting down", "stopped"]),
    );
  });
});
