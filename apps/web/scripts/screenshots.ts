import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startWebWorld } from "../test/browser.js";

/**
 * `pnpm --filter @customer-panel/web screenshots`: the main views, as docs/screenshots/*.png
 * (small: 1024 px wide, JPEG-like sizes kept by PNG of a plain UI).
 */
const out = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
await mkdir(out, { recursive: true });
const world = await startWebWorld();
try {
  const shot = async (who: string, customer: string, channel: string, file: string) => {
    const { page, context } = await world.pageAs(who);
    await page.setViewportSize({ width: 1024, height: 1400 });
    await page.getByRole("button", { name: new RegExp(`^${customer} ${channel}`) }).click();
    await page.locator("section.panel h3").first().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${out}${file}`, fullPage: false });
    await context.close();
  };
  await shot("陳怡君 — admin (web)", "王小明", "webchat", "panel-admin.png");
  await shot("張雅婷 — cs_agent", "王小明", "line", "panel-cs-agent.png");
} finally {
  await world.close();
}
