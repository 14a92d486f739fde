import type { TagId } from "../domain/ids.js";
import type { InstantRange, TagFrequency } from "../domain/tag-reads.js";

/** One application as the frequency count needs it. */
export interface FrequencyInput {
  readonly tagId: TagId;
  readonly name: string;
  readonly appliedAt: Date;
}

/** True when an instant falls inside a range (start included, end excluded). */
export const inRange = (at: Date, range: InstantRange): boolean =>
  at.getTime() >= range.startsAt.getTime() && at.getTime() < range.endsBefore.getTime();

/**
 * T6: the number of applications of each tag to one customer, optionally only
 * those inside a range — counted from the history, so applications before a
 * removal still count (T5). Most applied first, then by name.
 */
export const countTagFrequency = (
  applications: Iterable<FrequencyInput>,
  range: InstantRange | null,
): TagFrequency[] => {
  const byTag = new Map<TagId, { name: string; applications: number; lastAppliedAt: Date }>();
  for (const a of applications) {
    if (range && !inRange(a.appliedAt, range)) continue;
    const seen = byTag.get(a.tagId);
    if (!seen) byTag.set(a.tagId, { name: a.name, applications: 1, lastAppliedAt: a.appliedAt });
    else {
      seen.applications++;
      if (a.appliedAt > seen.lastAppliedAt) seen.lastAppliedAt = a.appliedAt;
    }
  }
  return [...byTag.entries()]
    .map(([tagId, v]) => ({ tagId, ...v }))
    .sort(
      (a, b) => b.applications - a.applications || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
};
