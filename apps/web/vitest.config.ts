import { defineProject } from "vitest/config";

// Browser tests: Debian's Chromium (/usr/bin/chromium) driven by playwright-core, against a
// real demo server on PGlite. One browser and one server per file, several pages.
export default defineProject({
  test: {
    name: "web",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
