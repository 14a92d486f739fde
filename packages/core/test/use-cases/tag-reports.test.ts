import { parse } from "csv-parse/sync";
import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { UTF8_BOM } from "../../src/csv/csv-encoding.js";
import {
  applyTag,
  type ConversationId,
  type CustomerId,
  ingestTag,
  type MemberActor,
  normaliseTagName,
  ROLES,
  tagReportRecords,
  tagReportStats,
} from "../../src/index.js";
import { makeWorld, type World } from "../support/fixtures.js";
import { collectText, expectFailure, successOf } from "../support/run.js";

const name = (raw: string) => {
  const parsed = normaliseTagName(raw);
  if (Either.isLeft(parsed)) throw new Error(parsed.left);
  return parsed.right;
};

const tag = (
  w: World,
  actor: MemberActor,
  customerId: CustomerId,
  raw: string,
  at: string,
  conversationId?: ConversationId,
) => w.ok(applyTag(actor, { customerId, name: name(raw), confirm: true, conversationId }), { at });

/**
 * Team A's history around 2026-03-01…2026-03-10 (Asia/Taipei, UTC+8), plus one
 * application in team B that no report of team A may show.
 */
const seedHistory = async (w: World) => {
  const { line, facebook, whatsapp } = w.customers;
  const agent = w.as("cs_agent");
  // 2026-02-28 23:59:59 Taipei: the day before the window.
  await tag(w, agent, line.customer.id, "VIP", "2026-02-28T15:59:59Z");
  // 2026-03-01 00:00:00 Taipei: the first instant of the window.
  await tag(w, agent, line.customer.id, "VIP", "2026-02-28T16:00:00Z", line.conversation.id);
  await tag(w, w.as("sales"), facebook.customer.id, "VIP", "2026-03-05T04:00:00Z");
  await tag(w, agent, line.customer.id, "VIP", "2026-03-06T04:00:00Z", line.conversation.id);
  await w.ok(
    ingestTag(w.integrationA, {
      customerId: whatsapp.customer.id,
      name: name("=SUM(A1)"),
      method: "automation",
    }),
    { at: "2026-03-07T01:00:00Z" },
  );
  // 2026-03-10 23:59:59 Taipei: the last instant of the window.
  await tag(w, agent, whatsapp.customer.id, "新客", "2026-03-10T15:59:59Z");
  // 2026-03-11 00:00:00 Taipei: the day after.
  await tag(w, agent, facebook.customer.id, "新客", "2026-03-10T16:00:00Z");
  await tag(w, w.asB(), w.customers.lineB.customer.id, "VIP", "2026-03-05T04:00:00Z");
};

const window = { from: "2026-03-01", to: "2026-03-10" };

const csvRows = (text: string): Record<string, string>[] =>
  parse(text, { bom: true, columns: true, skip_empty_lines: true });

describe("R1 a report covers at most 30 team calendar days, for admin, supervisor, cs_manager", () => {
  it("refuses 31 days with REPORT_RANGE_TOO_LONG and accepts 30", async () => {
    const w = makeWorld();
    const admin = w.as("admin");
    const tooLong = await w.exit(tagReportStats(admin, { from: "2026-03-01", to: "2026-03-31" }));
    expect(expectFailure(tooLong, "REPORT_RANGE_TOO_LONG")).toMatchObject({
      days: 31,
      maxDays: 30,
    });
    const ok = successOf(
      await w.exit(tagReportRecords(admin, { from: "2026-03-01", to: "2026-03-30" })),
    );
    expect(ok.window).toEqual({
      from: "2026-03-01",
      to: "2026-03-30",
      days: 30,
      timeZone: "Asia/Taipei",
    });
  });

  it("refuses a start after the end", async () => {
    const w = makeWorld();
    const exit = await w.exit(
      tagReportStats(w.as("admin"), { from: "2026-03-02", to: "2026-03-01" }),
    );
    expectFailure(exit, "REPORT_RANGE_INVERTED");
  });

  it.each(
    ROLES.map((role) => ({ role, allowed: ["admin", "supervisor", "cs_manager"].includes(role) })),
  )("$role may export: $allowed", async ({ role, allowed }) => {
    const w = makeWorld();
    const stats = await w.exit(tagReportStats(w.as(role), window));
    const records = await w.exit(tagReportRecords(w.as(role), window));
    if (allowed) {
      successOf(stats);
      successOf(records);
    } else {
      expectFailure(stats, "ROLE_NOT_ALLOWED");
      expectFailure(records, "ROLE_NOT_ALLOWED");
    }
  });
});

describe("R2 statistics: per tag, applications and distinct customers in the range", () => {
  it("counts only the window's applications of the member's team", async () => {
    const w = makeWorld();
    await seedHistory(w);
    const download = successOf(await w.exit(tagReportStats(w.as("supervisor"), window)));
    expect(download.fileName).toBe("tag-stats-2026-03-01_2026-03-10.csv");
    const rows = csvRows(await collectText(download.chunks));
    expect(rows).toEqual([
      { tag: "VIP", applications: "3", customers: "2" },
      // R4: a name a spreadsheet would run as a formula is written as text.
      { tag: "'=SUM(A1)", applications: "1", customers: "1" },
      { tag: "新客", applications: "1", customers: "1" },
    ]);
  });
});

describe("R3 per-record export: one row per application, oldest first", () => {
  it("writes time, customer, tag, channel, method and member of each application", async () => {
    const w = makeWorld();
    await seedHistory(w);
    const { line, facebook, whatsapp } = w.customers;
    const download = successOf(await w.exit(tagReportRecords(w.as("cs_manager"), window)));
    expect(download.fileName).toBe("tag-records-2026-03-01_2026-03-10.csv");
    const rows = csvRows(await collectText(download.chunks));
    expect(rows).toEqual([
      {
        time: "2026-03-01 00:00:00",
        customer_id: line.customer.id,
        customer_name: "林小美",
        tag: "VIP",
        channel: "line",
        method: "manual",
        member: "陳客服",
        utc_offset: "+08:00",
      },
      {
        time: "2026-03-05 12:00:00",
        customer_id: facebook.customer.id,
        customer_name: "Frank Chen",
        tag: "VIP",
        channel: "",
        method: "manual",
        member: "Sally Sales",
        utc_offset: "+08:00",
      },
      {
        time: "2026-03-06 12:00:00",
        customer_id: line.customer.id,
        customer_name: "林小美",
        tag: "VIP",
        channel: "line",
        method: "manual",
        member: "陳客服",
        utc_offset: "+08:00",
      },
      {
        time: "2026-03-07 09:00:00",
        customer_id: whatsapp.customer.id,
        customer_name: "王大明",
        tag: "'=SUM(A1)",
        channel: "",
        method: "automation",
        member: "",
        utc_offset: "+08:00",
      },
      {
        time: "2026-03-10 23:59:59",
        customer_id: whatsapp.customer.id,
        customer_name: "王大明",
        tag: "新客",
        channel: "",
        method: "manual",
        member: "陳客服",
        utc_offset: "+08:00",
      },
    ]);
  });
});

describe("R4 exports are UTF-8 CSV with a byte-order mark", () => {
  it("starts both files with the BOM, then the header", async () => {
    const w = makeWorld();
    await seedHistory(w);
    const stats = successOf(await w.exit(tagReportStats(w.as("admin"), window)));
    const records = successOf(await w.exit(tagReportRecords(w.as("admin"), window)));
    const statsText = await collectText(stats.chunks);
    const recordsText = await collectText(records.chunks);
    expect(statsText.startsWith(`${UTF8_BOM}tag,applications,customers\r\n`)).toBe(true);
    expect(recordsText.startsWith(`${UTF8_BOM}time,customer_id,customer_name,tag,`)).toBe(true);
    expect(statsText.indexOf(UTF8_BOM, 1)).toBe(-1);
  });
});

describe("X5 report windows and export times use the team's time zone", () => {
  it("reads a day as Taipei's: 16:00 UTC is already the next day", async () => {
    const w = makeWorld();
    await seedHistory(w);
    const oneDay = { from: "2026-03-11", to: "2026-03-11" };
    const download = successOf(await w.exit(tagReportRecords(w.as("admin"), oneDay)));
    const rows = csvRows(await collectText(download.chunks));
    expect(rows.map((r) => [r.time, r.customer_name, r.tag])).toEqual([
      ["2026-03-11 00:00:00", "Frank Chen", "新客"],
    ]);
  });

  it("follows another team zone when the team has one", async () => {
    const w = makeWorld();
    await seedHistory(w);
    w.state.teams.set(w.teamA.id, { ...w.teamA, timeZone: "UTC" });
    const download = successOf(await w.exit(tagReportRecords(w.as("admin"), window)));
    const rows = csvRows(await collectText(download.chunks));
    // In UTC the two applications of Taipei's 2026-03-01 fall on 2026-02-28, out of the window.
    expect(rows.map((r) => r.time)).toEqual([
      "2026-03-05 04:00:00",
      "2026-03-06 04:00:00",
      "2026-03-07 01:00:00",
      "2026-03-10 15:59:59",
      "2026-03-10 16:00:00",
    ]);
  });
});
