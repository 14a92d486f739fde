import { Effect, Either } from "effect";
import {
  encodeTagRecordsCsv,
  encodeTagStatsCsv,
  tagReportFileName,
} from "../csv/tag-report-csv.js";
import type { MemberActor } from "../domain/model.js";
import { TagReports } from "../ports.js";
import { decideReportWindow, type ReportWindow } from "../rules/report-window.js";
import { requireAction, teamOf } from "./authorize.js";

/** A CSV file to stream to the caller: nothing is read until `chunks` is iterated. */
export interface CsvDownload {
  readonly fileName: string;
  readonly window: Pick<ReportWindow, "from" | "to" | "days" | "timeZone">;
  /** UTF-8 text chunks, BOM first (R4). */
  readonly chunks: AsyncIterable<string>;
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

const described = (w: ReportWindow) => ({
  from: w.from,
  to: w.to,
  days: w.days,
  timeZone: w.timeZone,
});

/** `tagReports.stats` (R1, R2, R4): per tag, applications and distinct customers in ≤ 30 team days. */
export const tagReportStats = (
  actor: MemberActor,
  input: { readonly from: string; readonly to: string },
) =>
  Effect.gen(function* () {
    const window = yield* reportWindowFor(actor, input);
    const reports = yield* TagReports;
    const download: CsvDownload = {
      fileName: tagReportFileName("stats", window),
      window: described(window),
      chunks: encodeTagStatsCsv(reports.stats(actor.teamId, window)),
    };
    return download;
  });

/** `tagReports.records` (R1, R3, R4): one row per application in ≤ 30 team days. */
export const tagReportRecords = (
  actor: MemberActor,
  input: { readonly from: string; readonly to: string },
) =>
  Effect.gen(function* () {
    const window = yield* reportWindowFor(actor, input);
    const reports = yield* TagReports;
    const download: CsvDownload = {
      fileName: tagReportFileName("records", window),
      window: described(window),
      chunks: encodeTagRecordsCsv(reports.records(actor.teamId, window), window.timeZone),
    };
    return download;
  });
