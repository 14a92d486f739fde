import { describe, expect, it } from "vitest";
import { expectedApplications, FIXTURE, QUICK_SCALE } from "../src/dataset.js";
import type { EngineName } from "../src/engine.js";
import type { FanOutResults } from "../src/fan-out/results.js";
import type { FanOutScale } from "../src/fan-out/scale.js";
import { runBench } from "../src/main.js";
import { formatReport } from "../src/report-table.js";
import type { ServerLoadResults } from "../src/server-load/run.js";

// The house rule: benchmarks measure performance; tests assert completeness and exact counts, never timing.
const serverUrl = process.env.TEST_DATABASE_URL || undefined;
const engines: EngineName[] = serverUrl ? ["pglite", "postgres"] : ["pglite"];

// Issue 19 item 2 at a tiny scale: the check is delivery, not speed.
const TINY_FAN_OUT: FanOutScale = {
  subscribers: 6,
  rate: 50,
  seconds: 1,
  idleSeconds: 0.5,
  drainSeconds: 120,
};

const OPERATIONS = [
  "tagReports.records 30d",
  "tagReports.stats 30d",
  "conversations.export",
  "panel.get",
  `tags.suggest (${QUICK_SCALE.tags} tags)`,
  `tags.suggest (${QUICK_SCALE.manyTags} tags)`,
  `tags.apply x${QUICK_SCALE.applies}, 20 callers`,
];

describe.each(engines)("pnpm bench --quick on %s", (engine) => {
  it("reports every operation on both paths with exact counts", async () => {
    const report = await runBench({
      scale: QUICK_SCALE,
      engines: [engine],
      serverUrl,
      fanOut: TINY_FAN_OUT,
    });
    expect(report.engines).toHaveLength(1);
    const [result] = report.engines;
    if (!result) throw new Error("no result");
    expect(result.operations.map((o) => o.operation)).toEqual(OPERATIONS);
    for (const o of result.operations) {
      expect(o.engine).toBe(engine);
      for (const s of [o.library, o.baseline]) {
        expect(Number.isFinite(s.median)).toBe(true);
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.max);
      }
      expect(Number.isFinite(o.ratio)).toBe(true);
    }
    const facts = Object.fromEntries(result.operations.map((o) => [o.operation, o.facts]));
    const month = expectedApplications(QUICK_SCALE, 30);
    expect(facts["tagReports.records 30d"]?.rows).toBe(month);
    expect(facts["tagReports.stats 30d"]?.tags).toBe(QUICK_SCALE.tags);
    expect(facts["conversations.export"]?.messages).toBe(QUICK_SCALE.messages);
    expect(facts["panel.get"]?.roundTrips).toBeGreaterThan(0);
    // tag001000…tag001999 of the large vocabulary start with the query: a full page.
    expect(facts[`tags.suggest (${QUICK_SCALE.manyTags} tags)`]?.suggestions).toBe(10);
    const apply = facts[`tags.apply x${QUICK_SCALE.applies}, 20 callers`];
    expect(apply?.applications).toBe(QUICK_SCALE.applies);
    expect(apply?.exactCounts).toBe(true);
    expect(result.memory?.largeRows).toBe(month);
    expect(result.memory?.smallRows).toBe(expectedApplications(QUICK_SCALE, 1));
    // Issue 20: XLSX against CSV of the same rows, and the XLSX export's memory.
    expect(result.xlsx?.operations.map((o) => o.operation)).toEqual([
      "tagReports.records 30d XLSX",
      "conversations.export XLSX",
    ]);
    for (const o of result.xlsx?.operations ?? []) {
      expect(Number.isFinite(o.ratio)).toBe(true);
      expect(o.facts.xlsxBytes).toBeGreaterThan(0);
    }
    expect(result.xlsx?.operations[0]?.facts.csvBytes).toBe(
      facts["tagReports.records 30d"]?.csvBytes,
    );
    expect(result.xlsx?.memory.largeRows).toBe(month);
    expect(result.xlsx?.memory.smallRows).toBe(expectedApplications(QUICK_SCALE, 1));
    expect(FIXTURE.timeZone).toBe("Asia/Taipei");
    // Issue 19 item 1: the server rows run on PostgreSQL only (checked below).
    if (engine === "pglite") expect(result.server).toBeNull();
    else expectServerRows(result.server);
    // Issue 19 item 2: live fan-out runs on PostgreSQL only.
    if (engine === "pglite") expect(result.fanOut).toBeNull();
    else expectFanOut(result.fanOut, formatReport(report));
  });
});

describe("pnpm bench --quick --only xlsx", () => {
  it("runs the XLSX rows alone: their memory and both ratios, no other row", async () => {
    const report = await runBench({
      scale: QUICK_SCALE,
      engines: ["pglite"],
      serverUrl: undefined,
      only: "xlsx",
    });
    const [result] = report.engines;
    if (!result) throw new Error("no result");
    expect(result.operations).toEqual([]);
    expect(result.memory).toBeNull();
    expect(result.server).toBeNull();
    expect(result.xlsx?.operations.map((o) => o.operation)).toEqual([
      "tagReports.records 30d XLSX",
      "conversations.export XLSX",
    ]);
    expect(result.xlsx?.memory.largeRows).toBe(expectedApplications(QUICK_SCALE, 30));
  });
});

/** Every end-to-end row measured both sides, with no failed request and exact writes. */
const expectServerRows = (server: ServerLoadResults | null) => {
  expect(server).not.toBeNull();
  if (server === null) return;
  expect(server.rows.map((r) => r.operation)).toEqual([
    "panel.get",
    "events.list (200 entries, page 50)",
    "tags.apply (confirmed, distinct customers)",
  ]);
  expect(server.connections).toBe(50);
  for (const r of server.rows) {
    for (const side of [r.server, r.baseline]) {
      expect(side.ok).toBeGreaterThan(0);
      expect(side.perSecond).toBeGreaterThan(0);
      expect(side.p50).toBeLessThanOrEqual(side.p99);
      // Linux: each process's CPU time from /proc, spread over its answers.
      expect(side.cpuMsPerRequest).toBeGreaterThan(0);
    }
    expect(Number.isFinite(r.throughputRatio)).toBe(true);
    expect(Number.isFinite(r.p99Ratio)).toBe(true);
    expect(r.facts.failed).toBe(0);
  }
  expect(server.rows[0]?.facts.checked).toBe(true);
  expect(server.rows[1]?.facts.checked).toBe(true);
  expect(server.rows[2]?.facts).toMatchObject({
    distinctCustomers: true,
    appliedEveryAnswer: true,
  });
};

/** One and two servers: every subscriber got every published change once; the rows print. */
const expectFanOut = (fanOut: FanOutResults | null, printed: string) => {
  expect(fanOut).not.toBeNull();
  if (fanOut === null) return;
  expect(fanOut.phases.map((p) => p.servers)).toEqual([1, 2]);
  for (const phase of fanOut.phases) {
    expect(phase.published).toBe(TINY_FAN_OUT.rate * TINY_FAN_OUT.seconds);
    expect(phase.delivery).toMatchObject({
      exactlyOnce: true,
      subscribersComplete: TINY_FAN_OUT.subscribers,
      delivered: phase.published * TINY_FAN_OUT.subscribers,
      expected: phase.published * TINY_FAN_OUT.subscribers,
      notIncreasing: 0,
      errors: 0,
    });
    expect(phase.panelGet.idle.calls).toBeGreaterThan(0);
    expect(phase.panelGet.loaded.calls).toBeGreaterThan(0);
    expect(phase.rss).toHaveLength(phase.servers);
    for (const rss of phase.rss) expect(rss.maxMb).toBeGreaterThan(0);
  }
  expect(printed).toContain("Live fan-out (PostgreSQL)");
  expect(printed).toMatch(/^\| 1 \| yes \(6\/6 complete, 0 repeated, 0 errors\) \| 300 \/ 300 \|/m);
  expect(printed).toMatch(/^\| 2 \| yes \(6\/6 complete, 0 repeated, 0 errors\) \| 300 \/ 300 \|/m);
};
