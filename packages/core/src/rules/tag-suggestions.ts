import type { SuggestionCandidate } from "../domain/tag-reads.js";
import { normaliseTagText, tagKeyOf } from "./tag-name.js";

/** Most suggestions shown (T2). */
export const MAX_SUGGESTIONS = 10;

/** The key a typed query is matched with: the same folding as tag names. */
export const suggestionQueryKey = (typed: string): string => tagKeyOf(normaliseTagText(typed));

/**
 * T2: the team's tags matching what was typed — prefix matches first, then the
 * other matches (the key contains the query); most used first within each group,
 * then by name for a stable order; at most `limit`. An empty query matches every tag.
 */
export const rankSuggestions = (
  typed: string,
  candidates: readonly SuggestionCandidate[],
  limit: number = MAX_SUGGESTIONS,
): SuggestionCandidate[] => {
  const q = suggestionQueryKey(typed);
  const group = (c: SuggestionCandidate): number =>
    c.key.startsWith(q) ? 0 : c.key.includes(q) ? 1 : 2;
  return candidates
    .filter((c) => group(c) < 2)
    .sort(
      (a, b) =>
        group(a) - group(b) ||
        b.uses - a.uses ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
        (a.tagId < b.tagId ? -1 : a.tagId > b.tagId ? 1 : 0),
    )
    .slice(0, Math.max(0, Math.min(limit, MAX_SUGGESTIONS)));
};
