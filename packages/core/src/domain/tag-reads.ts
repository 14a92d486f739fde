import type { TagId } from "./ids.js";

/** An instant range, start included, end excluded. */
export interface InstantRange {
  readonly startsAt: Date;
  readonly endsBefore: Date;
}

/** How often one tag was applied to a customer (T6). */
export interface TagFrequency {
  readonly tagId: TagId;
  readonly name: string;
  readonly applications: number;
  readonly lastAppliedAt: Date;
}

/** A team tag with how often it was applied, as suggestion input. */
export interface SuggestionCandidate {
  readonly tagId: TagId;
  readonly name: string;
  readonly key: string;
  /** Applications of the tag across the team (its popularity). */
  readonly uses: number;
}
