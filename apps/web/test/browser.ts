import { mkdtemp, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { type DemoServer, serve } from "../../demo/src/serve.js";
import { ensureWebAppBuilt } from "../../demo/src/web-app.js";

/** Debian's Chromium: browsers can not be downloaded here, `.ci/run` installs the package. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A demo server on PGlite at 127.0.0.1:0 serving the freshly built web app, and one browser. */
export interface WebWorld {
  readonly server: DemoServer;
  readonly browser: Browser;
  readonly downloads: string;
  /** A new page signed in as the seeded member whose switcher label contains `who`. */
  readonly pageAs: (who: string) => Promise<{ page: Page; context: BrowserContext }>;
  readonly close: () => Promise<void>;
}

/** Starts the demo server and Chromium. */
export const startWebWorld = async (): Promise<WebWorld> => {
  const dist = ensureWebAppBuilt(() => {});
  const dir = await mkdtemp(join(tmpdir(), "web-test-"));
  const server = await serve({
    dataDir: null,
    port: 0,
    host: "127.0.0.1",
    mailDir: join(dir, "mail"),
    out: () => {},
    webAppDist: dist,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container: Chromium's sandbox needs user namespaces it does not have here.
    args: ["--no-sandbox"],
  });
  const pageAs = async (who: string) => {
    const context = await browser.newContext({ acceptDownloads: true, locale: "zh-TW" });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const switcher = page.getByLabel(/成員|Member/);
    const option = switcher.locator("option", { hasText: who }).first();
    const value = await option.getAttribute("value");
    if (value === null) throw new Error(`no member ${who}`);
    await switcher.selectOption(value);
    return { page, context };
  };
  return {
    server,
    browser,
    downloads: dir,
    pageAs,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
};

/** axe-core's own source, injected into a page (no bundler, no network). */
export const axeSource = async (): Promise<string> =>
  readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations of impact serious or critical on the page, as `id: target` lines. */
export const seriousViolations = async (page: Page): Promise<string[]> => {
  await page.addScriptTag({ content: await axeSource() });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  return violations;
};

interface AxeResults {
  readonly violations: readonly {
    readonly id: string;
    readonly impact: string | null;
    readonly nodes: readonly { readonly target: readonly string[] }[];
  }[];
}
