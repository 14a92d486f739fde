import type { CredentialId, MemberActor, MemberId, TeamId } from "@customer-panel/core";
import { memberKey } from "@customer-panel/db/repositories";
import { describe, expect, it } from "vitest";
import { accessEnding } from "../src/stream-access.js";

/**
 * Issue 14 B: the decision behind ending an open stream, given the standing db read.
 * Every role has `panel.view` today, so the role-loss branch is shown with a role the
 * matrix does not know (core's `can` denies it, as it would a role the matrix stops allowing).
 */

const actor: MemberActor = {
  kind: "member",
  teamId: "00000000-0000-4000-8000-000000000001" as TeamId,
  memberId: "00000000-0000-4000-8000-000000000002" as MemberId,
  name: "Ada",
  role: "cs_agent",
  client: "web",
  credentialId: "00000000-0000-4000-8000-000000000003" as CredentialId,
};
const key = memberKey(actor.teamId, actor.memberId);
const standing = (role: string | null, credentialActive: boolean) => ({
  roles: new Map(role === null ? [] : [[key, role]]),
  activeCredentials: new Set(credentialActive ? [actor.credentialId as string] : []),
});

describe("issue 14 B accessEnding", () => {
  it.each([
    ["member still there, credential active, role with panel.view", "sales", true, null],
    ["credential revoked", "cs_agent", false, "CREDENTIAL_REVOKED"],
    ["member removed (its credentials went with it)", null, false, "MEMBER_REMOVED"],
    ["role without panel.view", "visitor", true, "ROLE_NOT_ALLOWED"],
  ] as const)("%s", (_, role, active, code) => {
    expect(accessEnding(actor, standing(role, active))?.code ?? null).toBe(code);
  });

  it("an actor without a credential id (a host's own authentication) is checked by member and role", () => {
    const { credentialId: _, ...withoutCredential } = actor;
    expect(accessEnding(withoutCredential, standing("admin", false))).toBeNull();
    expect(accessEnding(withoutCredential, standing(null, false))?.code).toBe("MEMBER_REMOVED");
  });
});
