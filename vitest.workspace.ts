import { defineConfig } from "vitest/config";

// The file that declares the test projects. Vitest 4 no longer reads this name
// on its own: run it with `vitest --config vitest.workspace.ts` (pnpm test does).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
  },
});
