import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { UTF8_BOM } from "../../src/csv/csv-encoding.js";
import {
  encodeTagRecordsCsv,
  encodeTagStatsCsv,
  TAG_RECORDS_HEADER,
  TAG_STATS_HEADER,
  tagReportFileName,
} from "../../src/csv/tag-report-csv.js";
import type { TagRecordRow } from "../../src/domain/report-rows.js";

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe("R2 tag statistics export: for each tag, applications in the range and distinct customers", () => {
  it("the columns and their order", () => {
    expect(TAG_STATS_HEADER).toEqual(["tag", "applications", "customers"]);
  });

  it("one row per tag, counts written as plain numbers", async () => {
    const csv = await text(
      encodeTagStatsCsv([
        { tagName: "VIP", applications: 12, customers: 5 },
        { tagName: "回購客", applications: 3, customers: 3 },
        { tagName: "-折扣", applications: 0, customers: 0 },
      ]),
    );
    expect(csv).toBe(
      `${UTF8_BOM}tag,applications,customers\r\nVIP,12,5\r\n回購客,3,3\r\n'-折扣,0,0\r\n`,
    );
  });
});

describe("R3 per-record export: one row per application — time, customer, tag, channel, method, member", () => {
  const rows: TagRecordRow[] = [
    {
      appliedAt: new Date("2025-03-09T06:30:00Z"),
      customerId: "cus_1",
      customerName: "陳大文",
      tagName: "VIP",
      channel: "line",
      method: "manual",
      memberName: "王小明",
    },
    {
      appliedAt: new Date("2025-03-09T07:30:00Z"),
      customerId: "cus_2",
      customerName: "=1+1",
      tagName: "促銷, 春季",
      channel: null,
      method: "import",
      memberName: null,
    },
  ];

  it("the columns and their order", () => {
    expect(TAG_RECORDS_HEADER).toEqual([
      "time",
      "customer_id",
      "customer_name",
      "tag",
      "channel",
      "method",
      "member",
      "utc_offset",
    ]);
  });

  it("one row per application; empty channel and member when there is none", async () => {
    const csv = await text(encodeTagRecordsCsv([rows], "Asia/Taipei"));
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(parse(csv, { bom: true })).toEqual([
      [...TAG_RECORDS_HEADER],
      ["2025-03-09 14:30:00", "cus_1", "陳大文", "VIP", "line", "manual", "王小明", "+08:00"],
      ["2025-03-09 15:30:00", "cus_2", "'=1+1", "促銷, 春季", "", "import", "", "+08:00"],
    ]);
  });

  it("X5 times are in the team's zone, across a DST change too", async () => {
    const csv = await text(encodeTagRecordsCsv([rows], "America/New_York"));
    const times = (parse(csv, { bom: true }) as string[][]).slice(1).map((row) => row[0]);
    // 06:30Z is 01:30 EST; 07:30Z is 03:30 EDT — the clocks skipped 02:00–03:00.
    expect(times).toEqual(["2025-03-09 01:30:00", "2025-03-09 03:30:00"]);
  });

  it("batches are read from an async source lazily: one batch per chunk, none ahead", async () => {
    let produced = 0;
    async function* source() {
      for (let b = 0; b < 100; b++) {
        produced++;
        yield Array.from({ length: 100 }, (_, i) => ({
          ...(rows[0] as TagRecordRow),
          customerId: `cus_${b * 100 + i}`,
        }));
      }
    }
    const stream = encodeTagRecordsCsv(source(), "UTC");
    await stream.next();
    const first = await stream.next();
    expect(parse(first.value as string)).toHaveLength(100);
    await stream.return(undefined);
    expect(produced).toBe(1);
  });
});

describe("R2 R3 export file names say which report and which dates", () => {
  it.each([
    ["stats", "2025-01-01", "2025-01-30", "tag-stats-2025-01-01_2025-01-30.csv"],
    ["records", "2025-02-01", "2025-02-01", "tag-records-2025-02-01_2025-02-01.csv"],
  ] as const)("%s %s..%s → %s", (kind, from, to, name) => {
    expect(tagReportFileName(kind, { from, to })).toBe(name);
  });

  it("stays ASCII-safe even for unchecked input", () => {
    expect(tagReportFileName("stats", { from: "../x", to: "a b" })).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});
