import { Clock, Effect } from "effect";
import type { Author } from "../domain/author.js";
import type { CustomerId, TeamId } from "../domain/ids.js";
import type { IntegrationActor, MemberActor, PlanFeatures } from "../domain/model.js";
import { ChangeFeed } from "../ports/change-feed.js";
import { Profiles } from "../ports/profiles.js";
import { Transactions } from "../ports/transactions.js";
import { decideMemberIdFill } from "../rules/pixel-member-id.js";
import { decideProfileEdit, type ProfilePatch, phoneLockOf } from "../rules/profile-edit.js";
import { requireAction, teamOf } from "./authorize.js";

/**
 * The transaction of a profile edit, top to bottom (P1–P3, P6): lock the customer → decide →
 * record the new profile and its audit entry when anything changed. A refusal writes nothing.
 */
export const editProfile = (
  teamId: TeamId,
  customerId: CustomerId,
  patch: ProfilePatch,
  audit: { readonly author: Author; readonly at: Date },
) =>
  Effect.gen(function* () {
    const profiles = yield* Profiles;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        const { customer, identities } = yield* profiles.lockProfile(teamId, customerId);
        const edit = yield* decideProfileEdit(customer, patch, phoneLockOf(identities));
        if (edit.changes.length > 0) yield* profiles.recordEdit(teamId, customerId, edit, audit);
        return { customer: { ...customer, ...edit.next }, changes: edit.changes };
      }),
    );
  });

/** `profile.update` (P1–P3, P6): edits the profile; a WhatsApp phone change refuses the whole edit. */
export const updateProfile = (
  actor: MemberActor,
  input: ProfilePatch & { readonly customerId: CustomerId },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "profile.edit");
    const at = new Date(yield* Clock.currentTimeMillis);
    const { customerId, ...patch } = input;
    const result = yield* editProfile(actor.teamId, customerId, patch, {
      author: { memberId: actor.memberId, memberName: actor.name },
      at,
    });
    if (result.changes.length > 0) {
      const feed = yield* ChangeFeed;
      yield* feed.publish({
        teamId: actor.teamId,
        conversationId: null,
        customerId,
        kind: "profile",
        at,
      });
    }
    // One shape for a customer's profile (issue 16), as `panel.get` shows it.
    const { id, displayName, email, phone, note } = result.customer;
    return { customer: { id, displayName, email, phone, note }, changes: result.changes };
  });

/**
 * The transaction of P4: lock the visitor's customer → decide → store the tracked website
 * member id when it fills the profile.
 */
export const fillMemberIdOf = (
  teamId: TeamId,
  features: PlanFeatures,
  visitorId: string,
  websiteMemberId: string,
) =>
  Effect.gen(function* () {
    const profiles = yield* Profiles;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        const current = yield* profiles.lockVisitorMemberId(teamId, visitorId);
        const decision = decideMemberIdFill(features, current.memberId, websiteMemberId);
        if (decision.kind !== "fill") return { ...current, filled: false };
        yield* profiles.recordMemberId(teamId, current.customerId, decision.memberId);
        return { customerId: current.customerId, memberId: decision.memberId, filled: true };
      }),
    );
  });

/** `ingest.memberLogin` (P4): with `pixel`, the tracked website member id fills the profile. */
export const ingestMemberLogin = (
  actor: IntegrationActor,
  input: { readonly visitorId: string; readonly websiteMemberId: string },
) =>
  Effect.gen(function* () {
    const team = yield* teamOf(actor);
    const result = yield* fillMemberIdOf(
      actor.teamId,
      team.features,
      input.visitorId,
      input.websiteMemberId,
    );
    if (result.filled) {
      const at = new Date(yield* Clock.currentTimeMillis);
      const feed = yield* ChangeFeed;
      yield* feed.publish({
        teamId: actor.teamId,
        conversationId: null,
        customerId: result.customerId,
        kind: "profile",
        at,
      });
    }
    return {
      customerId: result.customerId,
      filled: result.filled,
      websiteMemberId: result.memberId,
    };
  });
