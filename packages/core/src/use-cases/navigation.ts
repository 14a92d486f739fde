import { Effect } from "effect";
import type { MemberActor } from "../domain/model.js";
import { Navigation } from "../ports/navigation.js";
import { requireAction } from "./authorize.js";

/** `conversations.list` (N1): the team's conversations, most recently active first, a page at a time. */
export const listConversations = (
  actor: MemberActor,
  input: { readonly cursor?: string | undefined; readonly limit: number },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "conversations.list");
    const navigation = yield* Navigation;
    return yield* navigation.recentConversations(actor.teamId, {
      cursor: input.cursor ?? null,
      limit: input.limit,
    });
  });

/** `members.list` (N2): the team's members — id, name and role — for an assign picker (E2). */
export const listMembers = (actor: MemberActor) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "members.list");
    const navigation = yield* Navigation;
    const members = yield* navigation.members(actor.teamId);
    return members.map((m) => ({ memberId: m.id, name: m.name, role: m.role }));
  });
