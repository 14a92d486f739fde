import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `bin/customer-panel.js` runs the built dist/main.js, and in a checkout that was not
 * built runs the sources through tsx (docs/deploy.md): both answer the same `--help`.
 */
const app = fileURLToPath(new URL("..", import.meta.url));

const help = (bin: string) =>
  spawnSync(process.execPath, [bin, "--help"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });

describe("the customer-panel bin", () => {
  let unbuilt = "";
  afterAll(async () => {
    if (unbuilt !== "") await rm(unbuilt, { recursive: true, force: true });
  });

  it("runs the built command when dist/ is there", () => {
    const run = help(join(app, "bin/customer-panel.js"));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("customer-panel — the customer panel's server");
  });

  it("falls back to the sources through tsx where nothing was built", async () => {
    // A checkout without dist/: the same bin, package.json, sources and node_modules
    // (linked), no build.
    unbuilt = await mkdtemp(join(tmpdir(), "customer-panel-unbuilt-"));
    await mkdir(join(unbuilt, "bin"));
    await copyFile(join(app, "bin/customer-panel.js"), join(unbuilt, "bin/customer-panel.js"));
    await copyFile(join(app, "package.json"), join(unbuilt, "package.json"));
    await symlink(join(app, "src"), join(unbuilt, "src"));
    await symlink(join(app, "node_modules"), join(unbuilt, "node_modules"));
    const run = help(join(unbuilt, "bin/customer-panel.js"));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("customer-panel — the customer panel's server");
  });
});
