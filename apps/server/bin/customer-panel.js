#!/usr/bin/env node
// The `customer-panel` command. It runs the built command, dist/main.js (`pnpm --filter
// @customer-panel/server build`: the workspace packages bundled, started in a fraction of
// tsx's time). A checkout that was not built still works: the TypeScript sources then run
// through tsx's loader, slower to start (docs/deploy.md).
import { existsSync } from "node:fs";

const built = new URL("../dist/main.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
