import { customers, tagApplications } from "@customer-panel/db/schema";
import { type EngineHandle, engines, seedCustomer, seedMessages } from "@customer-panel/db/testing";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libreOfficeToCsv } from "./fixtures/libreoffice.js";
import { errorOf, seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Text a spreadsheet user types or pastes: scripts, emoji, CSV's and XML's specials, every formula lead. */
const TRICKY = [
  "補貨通知",
  "🎉 emoji 👍🏽 family 👨‍👩‍👧",
  'say "hi"',
  "a,b,c",
  "line1\nline2",
  "cr\r\nlf",
  "=1+1",
  "+886912345678",
  "-5",
  "@SUM(A1)",
  "\t=tab",
  "\r=cr",
  "\n=lf",
  "＝全形",
  "_x0041_ literal",
  "<b>&amp;</b>",
  "  spaces  ",
  "'quoted",
];

// America/New_York falls back on 2026-11-01: 01:00–01:59 happens twice (EDT, then EST).
const ZONE = "America/New_York";
const FIRST_0130 = new Date("2026-11-01T05:30:00Z"); // 01:30 EDT
const SECOND_0130 = new Date("2026-11-01T06:30:00Z"); // 01:30 EST

// R4's formula leads: the CSV shows such a cell with a `'` in front; the XLSX holds the text itself.
const NEUTRALISED = /^'[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The CSV's cells as a spreadsheet user reads them: the `'` of R4 taken off. */
const csvCells = (csv: string): string[][] =>
  (parse(csv, { bom: true, relax_column_count: true }) as string[][]).map((row) =>
    row.map((cell) => (NEUTRALISED.test(cell) ? cell.slice(1) : cell)),
  );

// LibreOffice keeps a cell's lone CR but turns its CR LF into LF (its paragraph model).
const asLibreOfficeShows = (rows: string[][]) =>
  rows.map((row) => row.map((cell) => cell.replace(/\r\n/g, "\n")));

interface Link {
  readonly url: string;
  readonly fileName: string;
}

/** A download link from an answer (an email export has none). */
const linkOf = (answer: Link | { readonly format: "email" }): Link => {
  if (!("url" in answer)) throw new Error("expected a download link");
  return answer;
};

const body = async (server: TestServer, url: string) => {
  const res = await fetch(`${server.url}${url}`);
  expect(res.status).toBe(200);
  return { type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
};

describe.each(engines)("XLSX exports read back by LibreOffice on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  let conversationId: string;
  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    world = await seedWorld(server, { teamA: { timeZone: ZONE } });
    const { db } = server.database;
    const teamId = world.teamA.id;
    // The transcript: every tricky text, then the same text an hour later, so the fall-back's
    // repeated 01:30 appears twice.
    const customer = await seedCustomer(db, teamId, { displayName: '陳 "大文", =HYPERLINK()' });
    conversationId = customer.conversationId;
    await seedMessages(db, teamId, conversationId, TRICKY, FIRST_0130);
    await seedMessages(db, teamId, conversationId, TRICKY, SECOND_0130);
    // Tag records and statistics: tags applied through the API, then moved into the fall-back.
    const agent = server.client(world.teamA.members.cs_agent.secret);
    const { line, whatsapp } = world.teamA.conversations;
    for (const [i, name] of ["VIP客戶", "=1+2", "-折扣", "@團購", "補貨"].entries()) {
      await agent.tags.apply.mutate({
        customerId: i % 2 === 0 ? line.customerId : whatsapp.customerId,
        ...(i % 2 === 0 && { conversationId: line.conversationId }),
        name,
      });
    }
    await db
      .update(customers)
      .set({ displayName: '王\n小明 🎉, "=1"' })
      .where(eq(customers.id, whatsapp.customerId));
    const applications = await db.select().from(tagApplications);
    for (const [i, row] of applications.entries()) {
      await db
        .update(tagApplications)
        .set({ appliedAt: new Date((i % 2 === 0 ? FIRST_0130 : SECOND_0130).getTime() + i * 1000) })
        .where(eq(tagApplications.id, row.id));
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  it("L8, X1 the XLSX format has the CSV's gates: refused before any link is made", async () => {
    const supervisor = server.client(world.teamA.members.supervisor.secret);
    const refused = await errorOf(
      supervisor.conversations.export.mutate({ conversationId, format: "xlsx" }),
    );
    expect(refused.data).toMatchObject({ domainCode: "ROLE_NOT_ALLOWED" });
    const agent = server.client(world.teamA.members.cs_agent.secret);
    const stats = await errorOf(
      agent.tagReports.stats.query({ from: "2026-11-01", to: "2026-11-01", format: "xlsx" }),
    );
    expect(stats.data).toMatchObject({ domainCode: "ROLE_NOT_ALLOWED" });
    const tooLong = await errorOf(
      server
        .client(world.teamA.members.admin.secret)
        .tagReports.records.query({ from: "2026-10-01", to: "2026-10-31", format: "xlsx" }),
    );
    expect(tooLong.data).toMatchObject({ domainCode: "REPORT_RANGE_TOO_LONG" });
  });

  it("stats, records and the transcript as XLSX: every cell LibreOffice reads equals the CSV export's cell", async () => {
    const admin = server.client(world.teamA.members.admin.secret);
    const window = { from: "2026-10-31", to: "2026-11-02" };
    const formats = ["csv", "xlsx"] as const;
    const pairs: Record<"stats" | "records" | "transcript", Link[]> = {
      stats: await Promise.all(
        formats.map((format) => admin.tagReports.stats.query({ ...window, format })),
      ),
      records: await Promise.all(
        formats.map((format) => admin.tagReports.records.query({ ...window, format })),
      ),
      transcript: await Promise.all(
        formats.map(async (format) =>
          linkOf(await admin.conversations.export.mutate({ conversationId, format })),
        ),
      ),
    };
    expect(pairs.stats.map((l) => l.fileName)).toEqual([
      "tag-stats-2026-10-31_2026-11-02.csv",
      "tag-stats-2026-10-31_2026-11-02.xlsx",
    ]);
    expect(pairs.records[1]?.fileName).toBe("tag-records-2026-10-31_2026-11-02.xlsx");
    expect(pairs.transcript[1]?.fileName).toMatch(/^conversation-[0-9a-f-]{36}-\d{8}-\d{6}\.xlsx$/);

    const csv: Record<string, string> = {};
    const xlsx: Record<string, Buffer> = {};
    for (const [name, [csvLink, xlsxLink]] of Object.entries(pairs)) {
      if (csvLink === undefined || xlsxLink === undefined) throw new Error(`${name}: two links`);
      csv[name] = (await body(server, csvLink.url)).bytes.toString("utf8");
      const file = await body(server, xlsxLink.url);
      expect(file.type).toBe(XLSX_TYPE);
      xlsx[name] = file.bytes;
    }
    const read = await libreOfficeToCsv(xlsx);
    const sheets = {
      stats: "Tag statistics",
      records: "Tag records",
      transcript: "Conversation transcript",
    };
    for (const [name, sheet] of Object.entries(sheets)) {
      expect([...(read.get(name)?.keys() ?? [])]).toEqual([sheet]);
      const expected = asLibreOfficeShows(csvCells(csv[name] ?? ""));
      const actual = csvCells(read.get(name)?.get(sheet) ?? "");
      expect(actual, name).toEqual(expected);
    }
    // The data really is tricky: the fall-back's two 01:30s, and every text, made it in.
    const transcript = csvCells(read.get("transcript")?.get(sheets.transcript) ?? "");
    expect(transcript.filter((r) => r[0] === "2026-11-01 01:30:00").map((r) => r[4])).toEqual([
      "-04:00",
      "-05:00",
    ]);
    for (const text of TRICKY) {
      expect(
        transcript.some((r) => r[3] === text.replace(/\r\n/g, "\n")),
        text,
      ).toBe(true);
    }
    // L7: the XLSX download is recorded as the CSV one is (after its last byte).
    const log = await admin.events.list.query({ conversationId, limit: 50 });
    expect(log.events.flatMap((e) => (e.type === "exported" ? [e.format] : [])).sort()).toEqual([
      "csv",
      "xlsx",
    ]);
    const records = csvCells(read.get("records")?.get(sheets.records) ?? "");
    expect(
      records
        .slice(1)
        .map((r) => r[3])
        .sort(),
    ).toEqual(["VIP客戶", "=1+2", "-折扣", "@團購", "補貨"].sort());
  }, 180_000);
});
