import { Context } from "effect";
import type { TeamId } from "../domain/ids.js";
import type { TagRecordRow, TagStatsRow } from "../domain/report-rows.js";
import type { InstantRange } from "../domain/tag-reads.js";

/** Streams report rows (R2, R3); memory must not depend on the number of rows. */
export class TagReports extends Context.Tag("customer-panel/TagReports")<
  TagReports,
  {
    /** R2: per tag, applications in the range and distinct customers tagged. */
    readonly stats: (teamId: TeamId, range: InstantRange) => AsyncIterable<TagStatsRow>;
    /**
     * R3: one row per application in the range, oldest first, in batches (one await per batch,
     * not per row: a 30-day report is hundreds of thousands of rows). An empty batch is allowed.
     */
    readonly records: (
      teamId: TeamId,
      range: InstantRange,
    ) => AsyncIterable<readonly TagRecordRow[]>;
  }
>() {}
