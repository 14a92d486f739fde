import { describe, expect, it } from "vitest";
import { encodeTagRecordsCsv, TAG_RECORDS_HEADER } from "../../src/csv/tag-report-csv.js";
import { encodeTranscriptCsv, TRANSCRIPT_HEADER } from "../../src/csv/transcript-csv.js";

const drain = async (chunks: AsyncIterable<string>) => {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter(Boolean);
};

// New York falls back at 2025-11-02 06:00Z: 01:30 EDT and 01:30 EST are an hour apart.
const BEFORE = new Date("2025-11-02T05:30:00Z");
const AFTER = new Date("2025-11-02T06:30:00Z");
const ZONE = "America/New_York";

describe("X5 L7 R3 export times stay unambiguous across the autumn fall-back", () => {
  it("L7 two messages at the same wall-clock time carry different UTC offsets", async () => {
    const message = (sentAt: Date) => ({
      sentAt,
      sender: "customer" as const,
      agentName: null,
      content: "hi",
    });
    const [header, first, second] = await drain(
      encodeTranscriptCsv([[message(BEFORE), message(AFTER)]], ZONE),
    );
    expect(header).toBe(TRANSCRIPT_HEADER.join(","));
    expect(header).toBe("time,sender_type,name,content,utc_offset");
    expect(first).toBe("2025-11-02 01:30:00,customer,,hi,-04:00");
    expect(second).toBe("2025-11-02 01:30:00,customer,,hi,-05:00");
  });

  it("R3 two applications at the same wall-clock time carry different UTC offsets", async () => {
    const row = (appliedAt: Date) => ({
      appliedAt,
      customerId: "c1",
      customerName: "王",
      tagName: "VIP",
      channel: null,
      method: "api" as const,
      memberName: null,
    });
    const [header, first, second] = await drain(
      encodeTagRecordsCsv([[row(BEFORE), row(AFTER)]], ZONE),
    );
    expect(header).toBe(TAG_RECORDS_HEADER.join(","));
    expect(header?.endsWith(",utc_offset")).toBe(true);
    expect(first?.endsWith(",-04:00")).toBe(true);
    expect(second?.endsWith(",-05:00")).toBe(true);
  });

  it.each([
    ["Asia/Taipei", "2025-06-01T00:00:00Z", "+08:00"],
    ["UTC", "2025-06-01T00:00:00Z", "+00:00"],
    ["Asia/Kolkata", "2025-06-01T00:00:00Z", "+05:30"],
    ["Africa/Monrovia, −0:44:30 until 1972", "1970-06-01T00:00:00Z", "-00:44:30"],
  ])(
    "the offset of %s is written ±HH:MM (seconds only when the zone has them)",
    async (zone, iso, offset) => {
      const [, record] = await drain(
        encodeTranscriptCsv(
          [[{ sentAt: new Date(iso), sender: "bot", agentName: null, content: "x" }]],
          zone.split(",")[0] as string,
        ),
      );
      expect(record?.endsWith(`,${offset}`)).toBe(true);
    },
  );
});
