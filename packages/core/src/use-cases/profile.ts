import { Clock, Effect } from "effect";
import type { CustomerId } from "../domain/ids.js";
import type { IntegrationActor, MemberActor } from "../domain/model.js";
import { ChangeFeed, Profiles } from "../ports.js";
import { decideMemberIdFill } from "../rules/pixel-member-id.js";
import { decideProfileEdit, type ProfilePatch, phoneLockOf } from "../rules/profile-edit.js";
import { requireAction, teamOf } from "./authorize.js";

/** `profile.update` (P1–P3, P6): edits the profile; a WhatsApp phone change refuses the whole edit. */
export const updateProfile = (
  actor: MemberActor,
  input: ProfilePatch & { readonly customerId: CustomerId },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "profile.edit");
    const at = new Date(yield* Clock.currentTimeMillis);
    const profiles = yield* Profiles;
    const { customerId, ...patch } = input;
    const result = yield* profiles.edit(
      actor.teamId,
      customerId,
      ({ customer, identities }) => decideProfileEdit(customer, patch, phoneLockOf(identities)),
      { author: { memberId: actor.memberId, memberName: actor.name }, at },
    );
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

/** `ingest.memberLogin` (P4): with `pixel`, the tracked website member id fills the profile. */
export const ingestMemberLogin = (
  actor: IntegrationActor,
  input: { readonly visitorId: string; readonly websiteMemberId: string },
) =>
  Effect.gen(function* () {
    const team = yield* teamOf(actor);
    const profiles = yield* Profiles;
    let filled = false;
    const result = yield* profiles.fillMemberId(actor.teamId, input.visitorId, (current) => {
      const decision = decideMemberIdFill(team.features, current, input.websiteMemberId);
      filled = decision.kind === "fill";
      return decision.kind === "fill" ? decision.memberId : current;
    });
    if (filled) {
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
    return { customerId: result.customerId, filled, websiteMemberId: result.memberId };
  });
