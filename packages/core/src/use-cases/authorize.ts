import { Effect, Either } from "effect";
import { NotFound } from "../domain/errors.js";
import type { MemberActor, Team } from "../domain/model.js";
import type { PanelSnapshot } from "../domain/panel-snapshot.js";
import { Directory } from "../ports/directory.js";
import {
  type CapabilityInput,
  capability,
  type DenialError,
  denialToError,
  type PanelCapability,
} from "../rules/capabilities.js";
import { type Action, requireRole } from "../rules/permissions-matrix.js";

/** X1: the member's role must allow the action; checked before any data is read, so it leaks nothing. */
export const requireAction = (actor: MemberActor, action: Action) =>
  Either.match(requireRole(actor.role, action), {
    onLeft: (error) => Effect.fail(error),
    onRight: () => Effect.void,
  });

/** The actor's own team (always present for an authenticated actor; NotFound otherwise). */
export const teamOf = (actor: { readonly teamId: Team["id"] }) =>
  Effect.flatMap(Directory, (d) => d.team(actor.teamId)).pipe(
    Effect.flatMap((team) => (team ? Effect.succeed(team) : Effect.fail(NotFound.of("team")))),
  );

/** The capability facts of a panel snapshot for one member (X3). */
export const capabilityInputOf = (
  actor: MemberActor,
  snapshot: PanelSnapshot,
): CapabilityInput => ({
  actor: { role: actor.role, client: actor.client },
  team: { features: snapshot.team.features },
  conversation: { channel: snapshot.conversation.channel },
  customer: { hasWhatsAppIdentity: snapshot.identities.some((i) => i.channel === "whatsapp") },
  identityBound: snapshot.identity.boundAt !== null,
  omoBound: snapshot.omoBinding !== null,
});

/**
 * X3: fails with the domain error of the first reason the capability is unavailable.
 * Data conditions (no binding, nothing to unbind) answer NotFound of `resource`.
 */
export const requireCapability = (
  name: PanelCapability,
  action: Action,
  input: CapabilityInput,
  resource: "omo_binding" | "conversation" = "conversation",
): Effect.Effect<void, DenialError | NotFound> => {
  const answer = capability(name, input);
  if (answer.available) return Effect.void;
  const [reason] = answer.reasons;
  const error = denialToError(action, reason);
  return Effect.fail(error ?? NotFound.of(resource));
};
