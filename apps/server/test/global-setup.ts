import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The operator tests run the built command (`node dist/main.js`), as a deployment does:
 * built once here, before any test file starts (scripts/build.mjs, about a second).
 */
export default function buildCommand(): void {
  const script = fileURLToPath(new URL("../scripts/build.mjs", import.meta.url));
  const built = spawnSync(process.execPath, [script], { encoding: "utf8" });
  if (built.status !== 0) {
    throw new Error(`building customer-panel failed: ${built.stderr}${built.stdout}`);
  }
}
