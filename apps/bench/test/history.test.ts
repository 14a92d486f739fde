import { describe, expect, it } from "vitest";
import { expectedApplications, QUICK_SCALE } from "../src/dataset.js";
import { HISTORY_QUICK, runHistory } from "../src/history.js";

// Completeness and exact counts of `pnpm bench --history --quick`; never timing.
const serverUrl = process.env.TEST_DATABASE_URL || undefined;

describe.runIf(serverUrl)("pnpm bench --history --quick on postgres", () => {
  it("grows one database to the total and keeps the 30-day window's rows the same", async () => {
    const report = await runHistory({ scale: HISTORY_QUICK, engine: "postgres", serverUrl });
    expect(report.applications).toEqual({
      small: QUICK_SCALE.applications,
      large: HISTORY_QUICK.total,
    });
    const month = expectedApplications(QUICK_SCALE, 30);
    expect(report.windowRows).toEqual({ small: month, large: month });
    // The heavy customer's own history plus its share of the ordinary data set.
    expect(report.heavyCustomerApplications).toBeGreaterThanOrEqual(HISTORY_QUICK.heavyCustomer);
    expect(report.rows.map((r) => r.operation)).toEqual([
      "tagReports.records 30d",
      "tagReports.stats 30d",
      "records query (raw)",
      "stats query (raw)",
    ]);
    for (const row of report.rows) {
      for (const s of [row.small, row.large]) {
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.max);
      }
      expect(Number.isFinite(row.ratio)).toBe(true);
    }
    expect(report.frequency.tags).toBe(QUICK_SCALE.tags);
    expect(Number.isFinite(report.frequency.ratio)).toBe(true);
  });
});
