import { describe, expect, it } from "vitest";
import { QUICK_SCALE } from "../src/dataset.js";
import type { EngineName } from "../src/engine.js";
import { curveSvg, formatCurve, runCurve } from "../src/scale-curve.js";

// Completeness of `pnpm bench --curve --quick`: every point measured, the plot drawn; never timing.
const serverUrl = process.env.TEST_DATABASE_URL || undefined;
const engines: EngineName[] = serverUrl ? ["pglite", "postgres"] : ["pglite"];

describe("pnpm bench --curve --quick", () => {
  it("measures records and panel.get on each engine and draws them", async () => {
    const points = await runCurve({ scales: [QUICK_SCALE], engines, serverUrl });
    expect(points.map((p) => `${p.engine} ${p.operation}`)).toEqual(
      engines.flatMap((e) => [`${e} tagReports.records 30d`, `${e} panel.get`]),
    );
    for (const p of points) {
      expect(p.applications).toBe(QUICK_SCALE.applications);
      expect(p.libraryMs).toBeGreaterThan(0);
      expect(p.baselineMs).toBeGreaterThan(0);
    }
    expect(formatCurve(points).split("\n")).toHaveLength(2 + points.length);
    const svg = await curveSvg(points);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<title>Records export and panel.get");
    // Both panels, and a legend entry for each engine's two paths.
    for (const text of [
      "panel.get",
      "tagReports.records 30d",
      ...engines.flatMap((e) => [`${e} library`, `${e} baseline`]),
    ]) {
      expect(svg).toContain(text);
    }
  });
});
