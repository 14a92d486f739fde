import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { UTF8_BOM } from "../../src/csv/csv-encoding.js";
import {
  encodeTranscriptCsv,
  TRANSCRIPT_HEADER,
  transcriptFileName,
  transcriptRecord,
} from "../../src/csv/transcript-csv.js";
import type { TranscriptMessage } from "../../src/domain/report-rows.js";
import { DEFAULT_TIME_ZONE } from "../../src/domain/vocabulary.js";

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

const messages: TranscriptMessage[] = [
  {
    sentAt: new Date("2025-01-01T01:02:03Z"),
    sender: "customer",
    agentName: null,
    content: "你好，我想查訂單",
  },
  {
    sentAt: new Date("2025-01-01T01:02:04Z"),
    sender: "bot",
    agentName: "should not show",
    content: "請稍候",
  },
  {
    sentAt: new Date("2025-01-01T15:59:59Z"),
    sender: "agent",
    agentName: "王小明",
    content: '=HYPERLINK("http://x","y")\n第二行',
  },
  { sentAt: new Date("2025-01-01T16:00:00Z"), sender: "agent", agentName: null, content: "ok" },
];

describe("L7 export conversation: CSV columns time, sender type, name (agents only), content", () => {
  it("the columns and their order", () => {
    expect(TRANSCRIPT_HEADER).toEqual(["time", "sender_type", "name", "content", "utc_offset"]);
  });

  it("the file is BOM + header + one row per message, in order, times in the team's zone", async () => {
    const csv = await text(encodeTranscriptCsv([messages], DEFAULT_TIME_ZONE));
    expect(csv.startsWith(`${UTF8_BOM}time,sender_type,name,content,utc_offset\r\n`)).toBe(true);
    expect(parse(csv, { bom: true })).toEqual([
      ["time", "sender_type", "name", "content", "utc_offset"],
      ["2025-01-01 09:02:03", "customer", "", "你好，我想查訂單", "+08:00"],
      ["2025-01-01 09:02:04", "bot", "", "請稍候", "+08:00"],
      ["2025-01-01 23:59:59", "agent", "王小明", '\'=HYPERLINK("http://x","y")\n第二行', "+08:00"],
      ["2025-01-02 00:00:00", "agent", "", "ok", "+08:00"],
    ]);
  });

  it.each([
    ["customer", "", "a customer row has no name"],
    ["bot", "", "a bot row has no name, even if one is passed"],
    ["agent", "Ann", "an agent row has the agent's name"],
  ] as const)("sender %s → name %j (%s)", (sender, name, _why) => {
    const record = transcriptRecord(
      { sentAt: new Date(0), sender, agentName: "Ann", content: "x" },
      "UTC",
    );
    expect(record).toBe(`1970-01-01 00:00:00,${sender},${name},x,+00:00\r\n`);
  });

  it("the time follows the team's zone (X5)", () => {
    const message = messages[0] as TranscriptMessage;
    expect(transcriptRecord(message, "America/New_York")).toMatch(/^2024-12-31 20:02:03,/);
    expect(transcriptRecord(message, "Asia/Taipei")).toMatch(/^2025-01-01 09:02:03,/);
  });

  it("an async source of batches is read too", async () => {
    async function* source() {
      yield messages.slice(0, 1);
    }
    const rows = parse(await text(encodeTranscriptCsv(source(), "UTC")), { bom: true });
    expect(rows).toEqual([
      ["time", "sender_type", "name", "content", "utc_offset"],
      ["2025-01-01 01:02:03", "customer", "", "你好，我想查訂單", "+00:00"],
    ]);
  });
});

describe("L7 the exported file is named after the conversation and the export time", () => {
  it.each([
    ["c_123", "2025-01-01T01:02:03Z", "Asia/Taipei", "conversation-c_123-20250101-090203.csv"],
    ["c_123", "2024-12-31T16:00:00Z", "Asia/Taipei", "conversation-c_123-20250101-000000.csv"],
    ["c_123", "2025-01-01T01:02:03Z", "UTC", "conversation-c_123-20250101-010203.csv"],
    [
      "0b6c6a36-6c1e-4bd4-9d2b-0ad4f0d5d1a1",
      "2025-07-04T12:00:00Z",
      "America/New_York",
      "conversation-0b6c6a36-6c1e-4bd4-9d2b-0ad4f0d5d1a1-20250704-080000.csv",
    ],
    [
      "../../etc/passwd",
      "2025-01-01T00:00:00Z",
      "UTC",
      "conversation-______etc_passwd-20250101-000000.csv",
    ],
    ["對話 1", "2025-01-01T00:00:00Z", "UTC", "conversation-___1-20250101-000000.csv"],
    ["", "2025-01-01T00:00:00Z", "UTC", "conversation-20250101-000000.csv"],
  ])("%j at %s in %s → %s", (id, at, timeZone, name) => {
    const fileName = transcriptFileName(id, new Date(at), timeZone);
    expect(fileName).toBe(name);
    expect(fileName).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});
