import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { read as readXlsx, utils } from "@e965/xlsx";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEW_TAG } from "../src/scenarios/tag-scenarios.js";
import { HUANG_WEBSITE_MEMBER } from "../src/seed-data.js";
import type { Step } from "../src/transcript.js";
import { runWalkthrough, type WalkthroughResult } from "../src/walkthrough.js";

/**
 * The walkthrough is a test, not only a printout: it runs here exactly as `pnpm demo`
 * runs it (real tRPC client, real HTTP, in-memory PGlite), and every step's outcome and
 * key values are asserted.
 */

/** Every step the walkthrough takes and the outcome the rules demand of it. */
const EXPECTED: readonly (readonly [id: string, outcome: string])[] = [
  ["profile.view", "ok"],
  ["profile.edit", "ok"],
  ["profile.whatsappPhone", "ok"],
  ["profile.phoneLocked", "PHONE_LOCKED"],
  ["profile.nothingWritten", "ok"],
  ["pixel.login", "ok"],
  ["pixel.panel", "ok"],
  ["pixel.noPixelLogin", "ok"],
  ["pixel.noPixelPanel", "ok"],
  ["panel.hide", "ok"],
  ["panel.hiddenRemembered", "ok"],
  ["panel.show", "ok"],
  ["events.assign", "ok"],
  ["events.followUp", "ok"],
  ["events.close", "ok"],
  ["events.followUpClosed", "INVALID_STATE_TRANSITION"],
  ["events.reopen", "ok"],
  ["events.list", "ok"],
  ["tags.suggest", "ok"],
  ["tags.applyNew", "ok"],
  ["tags.applyAgain", "ok"],
  ["tags.confirmed", "ok"],
  ["tags.remove", "ok"],
  ["tags.frequency", "ok"],
  ["tags.frequencyRange", "ok"],
  ["reports.stats", "ok"],
  ["reports.records", "ok"],
  ["reports.statsXlsx", "ok"],
  ["reports.recordsXlsx", "ok"],
  ["reports.tooLong", "REPORT_RANGE_TOO_LONG"],
  ["reports.agentRefused", "ROLE_NOT_ALLOWED"],
  ["bound.channels", "ok"],
  ["bound.goTo", "ok"],
  ["orders.shown", "ok"],
  ["orders.hiddenUnbound", "ok"],
  ["orders.hiddenNoPixel", "ok"],
  ["status.block", "ok"],
  ["status.blockedInbound", "CONVERSATION_BLOCKED"],
  ["status.unblock", "ok"],
  ["status.received", "ok"],
  ["status.log", "ok"],
  ["status.search", "ok"],
  ["presence.subscribe", "ok"],
  ["presence.visit", "ok"],
  ["presence.online", "ok"],
  ["presence.closed", "ok"],
  ["presence.pushed", "ok"],
  ["presence.offline", "ok"],
  ["export.csv", "ok"],
  ["export.xlsx", "ok"],
  ["export.email", "ok"],
  ["export.delivered", "ok"],
  ["export.lastTime", "ok"],
  ["export.hiddenSupervisor", "ok"],
  ["export.refusedSupervisor", "ROLE_NOT_ALLOWED"],
  ["export.hiddenApp", "ok"],
  ["export.refusedApp", "CLIENT_NOT_SUPPORTED"],
  ["export.refusedNoFeature", "FEATURE_NOT_ENABLED"],
  ["delete.searchBefore", "ok"],
  ["delete.refusedAgent", "ROLE_NOT_ALLOWED"],
  ["delete.done", "ok"],
  ["delete.searchAfter", "ok"],
  ["delete.gone", "NOT_FOUND"],
  ["omo.shown", "ok"],
  ["omo.refusedAgent", "ROLE_NOT_ALLOWED"],
  ["omo.unbound", "ok"],
];

const BOM = "\uFEFF";

describe("walkthrough (pnpm demo) through the tRPC client: P1–P5, E1–E2, T2–T6, R1–R4, L1–L9, O2, B6", () => {
  let outputDir: string;
  let result: WalkthroughResult;
  const printed: string[] = [];

  beforeAll(async () => {
    outputDir = await mkdtemp(join(tmpdir(), "customer-panel-demo-"));
    result = await runWalkthrough({ out: (line) => printed.push(line), outputDir });
  }, 120_000);

  afterAll(async () => {
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  const step = (id: string): Step => {
    const found = result.steps.find((s) => s.id === id);
    if (found === undefined) throw new Error(`the walkthrough has no step ${id}`);
    return found;
  };
  const value = (id: string) => step(id).value;

  it("takes every step, in order, each with the outcome the rules demand", () => {
    expect(result.steps.map((s) => [s.id, s.outcome])).toEqual(EXPECTED);
    expect(result.failures).toEqual([]);
    for (const s of result.steps) {
      expect(s.who).toMatch(/^[a-z_]+ \((web|app|api)(, .+)?\)$|^export worker \(server\)$/);
      expect(printed.some((line) => line.includes(s.what))).toBe(true);
    }
  });

  it("prints refusals with their code and message (X4)", () => {
    const refused = result.steps.filter((s) => s.outcome !== "ok");
    expect(refused.length).toBeGreaterThanOrEqual(10);
    for (const s of refused) {
      expect(s.detail.startsWith(`${s.outcome}: `)).toBe(true);
      expect(printed).toContain(`✗ ${s.who} · ${s.what} → ${s.detail}`);
    }
  });

  it("P1–P3 edits a profile in E.164; the WhatsApp phone is locked and nothing of the edit is written", () => {
    expect(value("profile.edit")).toEqual({
      fields: ["email", "phone", "note"],
      phone: "+886912000111",
    });
    expect(value("profile.whatsappPhone")).toEqual({
      phone: "+886912345678",
      editPhone: ["locked"],
    });
    expect(value("profile.nothingWritten")).toEqual({ phone: "+886912345678", note: null });
  });

  it("P4 fills the pixel member id only with pixel; P5 hides the panel per member", () => {
    expect(value("pixel.login")).toEqual({ filled: true });
    expect(value("pixel.panel")).toEqual({ websiteMemberId: HUANG_WEBSITE_MEMBER });
    expect(value("pixel.noPixelLogin")).toEqual({ filled: false });
    expect(value("pixel.noPixelPanel")).toEqual({ websiteMemberId: null, reasons: ["feature"] });
    expect(value("panel.hide")).toEqual({ hidden: true });
    expect(value("panel.hiddenRemembered")).toEqual({ agentHidden: true, adminHidden: false });
    expect(value("panel.show")).toEqual({ hidden: false });
  });

  it("E1–E2 logs assignment and every state change with the member responsible", () => {
    expect(value("events.assign")).toMatchObject({
      state: "pending",
      assigneeId: result.world.sunny.members.cs_agent.id,
    });
    expect(value("events.followUp")).toEqual({ state: "in_progress" });
    expect(value("events.close")).toEqual({ state: "closed" });
    expect(value("events.reopen")).toEqual({ state: "in_progress" });
    const { members } = result.world.sunny;
    expect(value("events.list")).toEqual({
      types: ["state_changed", "assigned", "state_changed", "state_changed", "state_changed"],
      members: [
        null,
        members.cs_manager.name,
        members.cs_agent.name,
        members.cs_agent.name,
        members.supervisor.name,
      ],
    });
  });

  it("T2 suggests VIP first for 「V」; T3–T5 apply, confirm to count 2, remove", () => {
    expect(value("tags.suggest")).toEqual({ names: ["VIP", "Vegan 素食", "LV包款"] });
    expect(value("tags.applyNew")).toEqual({ kind: "applied", count: 1 });
    expect(value("tags.applyAgain")).toEqual({ kind: "confirmation_required", count: 1 });
    expect(value("tags.confirmed")).toEqual({ kind: "applied", count: 2 });
    expect(value("tags.remove")).toMatchObject({ removed: true, previousCount: 2 });
    expect(value("tags.remove").tags).not.toContain(NEW_TAG);
  });

  it("T6 counts applications per tag, all time and inside a time range (removed ones too)", () => {
    expect(value("tags.frequency").counts).toEqual({ VIP: 3, 回購: 2, 新品通知: 1, [NEW_TAG]: 2 });
    expect(value("tags.frequencyRange").counts).toEqual({ VIP: 1, 回購: 1, [NEW_TAG]: 2 });
  });

  it("R1–R4 writes 30-day tag reports as CSV with a BOM; 31 days are refused", () => {
    const stats = value("reports.stats");
    const records = value("reports.records");
    for (const report of [stats, records]) {
      expect(report.bom).toBe(true);
      expect(existsSync(String(report.file))).toBe(true);
      expect(readFileSync(String(report.file), "utf8").startsWith(BOM)).toBe(true);
    }
    const statRows = parse(readFileSync(String(stats.file), "utf8"), { bom: true }) as string[][];
    const vip = statRows.find((row) => row[0] === "VIP");
    // VIP inside the 30 days: 20, 16, 9 and 6 days ago on three customers (35 days ago is out).
    expect(vip?.slice(1)).toEqual(["4", "3"]);
    const recordRows = parse(readFileSync(String(records.file), "utf8"), {
      bom: true,
    }) as string[][];
    expect(recordRows.length - 1).toBe(records.rows);
    expect(recordRows.filter((row) => row.includes(NEW_TAG))).toHaveLength(2);
    expect(step("reports.tooLong").detail).toMatch(/^REPORT_RANGE_TOO_LONG: .*31/);
  });

  it("writes the three exports as XLSX beside the CSV files: the same cells, typed", () => {
    const sheet = (id: string) => {
      const file = String(value(id).file);
      expect(value(id).zip).toBe(true);
      expect(existsSync(file) && dirname(file)).toBe(dirname(String(value("export.csv").file)));
      const book = readXlsx(readFileSync(file));
      const name = book.SheetNames[0] ?? "";
      const ws = book.Sheets[name];
      if (ws === undefined) throw new Error(`${id}: no sheet`);
      return { name, rows: utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true }), ws };
    };
    const stats = sheet("reports.statsXlsx");
    expect(stats.name).toBe("Tag statistics");
    expect(stats.rows.find((row) => row[0] === "VIP")).toEqual(["VIP", 4, 3]);
    const records = sheet("reports.recordsXlsx");
    expect(records.name).toBe("Tag records");
    expect(records.rows.length - 1).toBe(value("reports.records").rows);
    const transcript = sheet("export.xlsx");
    expect(transcript.name).toBe("Conversation transcript");
    expect(transcript.rows[0]).toEqual(["time", "sender_type", "name", "content", "utc_offset"]);
    const csvRows = parse(readFileSync(String(value("export.csv").file), "utf8"), {
      bom: true,
    }) as string[][];
    // Times are date-time cells shown as the CSV writes them; the text cells are the CSV's.
    expect(transcript.ws.A2?.t).toBe("n");
    expect(transcript.ws.A2?.w).toBe(csvRows[1]?.[0]);
    expect(transcript.rows.slice(1).map((r) => r.slice(1))).toEqual(
      csvRows.slice(1).map((r) => r.slice(1).map((cell) => (cell === "" ? undefined : cell))),
    );
  });

  it("L1–L4 lists bound channels to go to; orders of 90 days shown, hidden without binding or pixel", () => {
    expect(value("bound.channels")).toEqual({ channels: ["facebook", "line"] });
    expect(value("bound.goTo")).toEqual({ channel: "line", orders: 2 });
    expect(value("orders.shown")).toEqual({ orderIds: ["SO-1012", "SO-0987"], cartItems: 1 });
    expect(value("orders.hiddenUnbound")).toEqual({ commerce: null, reasons: ["binding"] });
    expect(value("orders.hiddenNoPixel")).toEqual({ commerce: null, reasons: ["feature"] });
  });

  it("L5 refuses a blocked customer's message at ingress and receives it again after unblocking", () => {
    expect(value("status.block")).toEqual({ active: false });
    expect(value("status.unblock")).toEqual({ active: true });
    expect(value("status.received")).toEqual({
      conversationId: result.world.sunny.conversations.leeLine.conversationId,
    });
    expect(value("status.log")).toEqual({ types: ["blocked", "unblocked"] });
    expect(value("status.search")).toEqual({ hits: 0 });
  });

  it("L6, B6 delivers 'user offline' to a live SSE subscriber and drops the page link", () => {
    expect(value("presence.online")).toEqual({ status: "online" });
    expect(value("presence.pushed")).toEqual({ received: true, kind: "presence" });
    expect(value("presence.offline")).toEqual({ status: "offline", pageUrl: null });
  });

  it("L7 exports a conversation as CSV (BOM, four columns) and by email, and shows the last export time", () => {
    const csv = value("export.csv");
    expect(csv.bom).toBe(true);
    const text = readFileSync(String(csv.file), "utf8");
    expect(text.startsWith(BOM)).toBe(true);
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[0]).toEqual(["time", "sender_type", "name", "content", "utc_offset"]);
    expect(rows.slice(1).map((r) => r[1])).toEqual(["customer", "bot", "agent", "customer"]);
    expect(rows[3]?.[2]).toBe(result.world.sunny.members.cs_agent.name);
    const eml = value("export.delivered");
    expect(eml.handled).toBe(1);
    const [emlFile] = eml.eml as string[];
    expect(emlFile !== undefined && existsSync(emlFile)).toBe(true);
    expect(readFileSync(String(emlFile), "utf8")).toContain("chen.yijun@sunny-select.example.tw");
    const last = value("export.lastTime");
    expect(last.lastExportedAt).toBeInstanceOf(Date);
    expect((last.lastExportedAt as Date).getTime()).toBeGreaterThanOrEqual(
      (csv.lastExportedAt as Date).getTime(),
    );
    expect(last.exportedEvents).toBe(3);
  });

  it("L8 hides the export button for a supervisor and on the app, with the reason, and refuses the call", () => {
    expect(value("export.hiddenSupervisor")).toEqual({ reasons: ["role"] });
    expect(value("export.hiddenApp")).toEqual({ reasons: ["client"] });
  });

  it("L9 deletes for an admin only, with a receipt; search no longer finds the conversation", () => {
    expect(value("delete.searchBefore")).toEqual({ hits: 1 });
    expect(value("delete.done")).toMatchObject({ messages: 2, alreadyDeleted: false });
    expect(value("delete.searchAfter")).toEqual({ byText: 0, byName: 0 });
  });

  it("O2 lets sales unbind the OMO binding; a cs_agent is refused", () => {
    expect(value("omo.shown")).toEqual({ omoMemberId: "OMO-TW-000123" });
    expect(value("omo.unbound")).toEqual({ unbound: true, binding: null });
  });
});
