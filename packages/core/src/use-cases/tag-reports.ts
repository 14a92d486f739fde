import { type Context, Effect, Either } from "effect";
import {
  encodeTagRecordsCsv,
  encodeTagStatsCsv,
  tagReportFileName,
} from "../csv/tag-report-csv.js";
import type { MemberActor } from "../domain/model.js";
import type { XlsxWorkbook } from "../domain/xlsx-workbook.js";
import { TagReports } from "../ports/tag-reports.js";
import { decideReportWindow, type ReportWindow } from "../rules/report-window.js";
import { encodeTagRecordsXlsx, encodeTagStatsXlsx } from "../xlsx/tag-report-xlsx.js";
import { requireAction, teamOf } from "./authorize.js";

/** A CSV file to stream to the caller: nothing is read until `chunks` is iterated. */
export interface CsvDownload {
  readonly fileName: string;
  readonly window: Pick<ReportWindow, "from" | "to" | "days" | "timeZone">;
  /** UTF-8 text chunks, BOM first (R4). */
  readonly chunks: AsyncIterable<string>;
}

/** An XLSX file to stream to the caller: nothing is read until its sheet part is iterated. */
export interface XlsxDownload {
  readonly fileName: string;
  readonly window: Pick<ReportWindow, "from" | "to" | "days" | "timeZone">;
  /** The workbook's parts; the adapter zips them. */
  readonly workbook: XlsxWorkbook;
}

const reportWindowFor = (
  actor: MemberActor,
  input: { readonly from: string; readonly to: string },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "tagReports.export");
    const team = yield* teamOf(actor);
    const window = decideReportWindow({ ...input, timeZone: team.timeZone });
    if (Either.isLeft(window)) return yield* Effect.fail(window.left);
    return window.right;
  });

/** The services a report needs: the reader's team and the report port. */
type TeamReportServices = Effect.Effect.Context<ReturnType<typeof reportWindowFor>> | TagReports;

const described = (w: ReportWindow) => ({
  from: w.from,
  to: w.to,
  days: w.days,
  timeZone: w.timeZone,
});

type ReportInput = { readonly from: string; readonly to: string };

// What every report file shares: the R1 gates and window, the port, the file's name and the
// window as the caller sees it; `body` adds the file's contents (CSV chunks or a workbook).
const reportFile = <B>(
  actor: MemberActor,
  input: ReportInput,
  kind: "stats" | "records",
  format: "csv" | "xlsx",
  body: (reports: Context.Tag.Service<typeof TagReports>, window: ReportWindow) => B,
) =>
  Effect.gen(function* () {
    const window = yield* reportWindowFor(actor, input);
    const reports = yield* TagReports;
    return {
      fileName: tagReportFileName(kind, window, format),
      window: described(window),
      ...body(reports, window),
    };
  });

/** `tagReports.stats` (R1, R2, R4): per tag, applications and distinct customers in ≤ 30 team days. */
export const tagReportStats = (
  actor: MemberActor,
  input: ReportInput,
): Effect.Effect<
  CsvDownload,
  Effect.Effect.Error<ReturnType<typeof reportWindowFor>>,
  TeamReportServices
> =>
  reportFile(actor, input, "stats", "csv", (reports, window) => ({
    chunks: encodeTagStatsCsv(reports.stats(actor.teamId, window)),
  }));

/** `tagReports.records` (R1, R3, R4): one row per application in ≤ 30 team days. */
export const tagReportRecords = (
  actor: MemberActor,
  input: ReportInput,
): Effect.Effect<
  CsvDownload,
  Effect.Effect.Error<ReturnType<typeof reportWindowFor>>,
  TeamReportServices
> =>
  reportFile(actor, input, "records", "csv", (reports, window) => ({
    chunks: encodeTagRecordsCsv(reports.records(actor.teamId, window), window.timeZone),
  }));

/** `tagReports.stats` as XLSX (R1, R2): the CSV's gates, window and columns, typed cells. */
export const tagReportStatsXlsx = (
  actor: MemberActor,
  input: ReportInput,
): Effect.Effect<
  XlsxDownload,
  Effect.Effect.Error<ReturnType<typeof reportWindowFor>>,
  TeamReportServices
> =>
  reportFile(actor, input, "stats", "xlsx", (reports, window) => ({
    workbook: encodeTagStatsXlsx(reports.stats(actor.teamId, window)),
  }));

/** `tagReports.records` as XLSX (R1, R3, X5): times as date-time cells in the team's zone. */
export const tagReportRecordsXlsx = (
  actor: MemberActor,
  input: ReportInput,
): Effect.Effect<
  XlsxDownload,
  Effect.Effect.Error<ReturnType<typeof reportWindowFor>>,
  TeamReportServices
> =>
  reportFile(actor, input, "records", "xlsx", (reports, window) => ({
    workbook: encodeTagRecordsXlsx(reports.records(actor.teamId, window), window.timeZone),
  }));
