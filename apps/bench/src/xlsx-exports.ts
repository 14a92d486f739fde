import {
  type ConversationId,
  exportConversationCsv,
  exportConversationXlsx,
  tagReportRecords,
  tagReportRecordsXlsx,
} from "@customer-panel/core";
import { runUseCase, zipWorkbook } from "@customer-panel/trpc";
import { FIXTURE_ADMIN as actor, FIXTURE } from "./dataset.js";
import { alternate, bytesOf, peakRssAbove } from "./measure.js";
import type { Context, MemoryResult, OperationResult } from "./operations.js";

/** Issue 20: XLSX exports timed against the CSV exports of the same rows, and their memory. */
export interface XlsxResults {
  readonly operations: readonly OperationResult[];
  readonly memory: MemoryResult;
}

/** The XLSX file of tag records, zipped as the download route sends it; its byte count. */
const recordsXlsx = async (ctx: Context, w: { readonly from: string; readonly to: string }) => {
  const download = await runUseCase(ctx.runtime, tagReportRecordsXlsx(actor, w));
  return bytesOf(zipWorkbook(download.workbook));
};

const recordsCsv = async (ctx: Context, w: { readonly from: string; readonly to: string }) => {
  const download = await runUseCase(ctx.runtime, tagReportRecords(actor, w));
  return bytesOf(download.chunks);
};

const recordsRow = async (ctx: Context): Promise<OperationResult> => {
  let xlsxBytes = 0;
  let csvBytes = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      xlsxBytes = await recordsXlsx(ctx, FIXTURE.month);
    },
    async () => {
      csvBytes = await recordsCsv(ctx, FIXTURE.month);
    },
  );
  return {
    operation: "tagReports.records 30d XLSX",
    engine: ctx.engine.name,
    ...timing,
    ratio: timing.library.median / timing.baseline.median,
    targetRatio: 3,
    note: "baseline: the CSV export of the same rows (library: core's sheet XML zipped by trpc's ZIP writer, deflate 3)",
    facts: { xlsxBytes, csvBytes },
  };
};

const transcriptRow = async (ctx: Context, conversationId: string): Promise<OperationResult> => {
  const input = { conversationId: conversationId as ConversationId };
  let xlsxBytes = 0;
  let csvBytes = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      const download = await runUseCase(ctx.runtime, exportConversationXlsx(actor, input));
      xlsxBytes = await bytesOf(zipWorkbook(download.workbook));
    },
    async () => {
      const download = await runUseCase(ctx.runtime, exportConversationCsv(actor, input));
      csvBytes = await bytesOf(download.chunks);
    },
  );
  return {
    operation: "conversations.export XLSX",
    engine: ctx.engine.name,
    ...timing,
    ratio: timing.library.median / timing.baseline.median,
    targetRatio: 3,
    note: "baseline: the CSV export of the same conversation (neither records the export here)",
    facts: { xlsxBytes, csvBytes },
  };
};

const memoryOf = async (ctx: Context): Promise<MemoryResult> => {
  const count = async (w: { readonly from: string; readonly to: string }) => {
    const [r] = await ctx.engine.raw<{ n: number }>(
      `select count(*)::int as n from tag_applications where team_id = $1 and applied_at >= $2 and applied_at < $3`,
      [
        FIXTURE.teamId,
        new Date(`${w.from}T00:00:00+08:00`),
        new Date(new Date(`${w.to}T00:00:00+08:00`).getTime() + 86_400_000),
      ],
    );
    return r?.n ?? 0;
  };
  global.gc?.();
  const smallPeakMb = await peakRssAbove(() => recordsXlsx(ctx, FIXTURE.day));
  global.gc?.();
  const largePeakMb = await peakRssAbove(() => recordsXlsx(ctx, FIXTURE.month));
  return {
    engine: ctx.engine.name,
    largeRows: await count(FIXTURE.month),
    smallRows: await count(FIXTURE.day),
    largePeakMb,
    smallPeakMb,
    differenceMb: largePeakMb - smallPeakMb,
    targetMb: 100,
  };
};

/** Issue 20's rows: memory first (RSS seldom shrinks), then the two time ratios. */
export const xlsxExports = async (ctx: Context, conversationId: string): Promise<XlsxResults> => {
  const memory = await memoryOf(ctx);
  return { memory, operations: [await recordsRow(ctx), await transcriptRow(ctx, conversationId)] };
};
