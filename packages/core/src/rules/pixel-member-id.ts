import type { PlanFeatures } from "../domain/model.js";

/** What to do with a member id the pixel tracked (P4). */
export type MemberIdFill =
  | { readonly kind: "fill"; readonly memberId: string }
  | { readonly kind: "ignore"; readonly reason: "no_pixel" | "unchanged" };

/**
 * P4: with `pixel`, the website member id of a logged-in visitor is written into the
 * profile automatically (the latest login wins); without `pixel` it is not.
 */
export const decideMemberIdFill = (
  features: PlanFeatures,
  current: string | null,
  tracked: string,
): MemberIdFill => {
  if (!features.pixel) return { kind: "ignore", reason: "no_pixel" };
  if (current === tracked) return { kind: "ignore", reason: "unchanged" };
  return { kind: "fill", memberId: tracked };
};
