import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { CHANNELS, CLIENTS, PLAN_FEATURES, ROLES } from "../../src/domain/vocabulary.js";
import {
  CAPABILITY_GATES,
  type CapabilityInput,
  capabilities,
  PANEL_CAPABILITIES,
  type Reason,
} from "../../src/rules/capabilities.js";
import { ACTIONS, can, PERMISSIONS } from "../../src/rules/permissions-matrix.js";

const role = fc.constantFrom(...ROLES);
const action = fc.constantFrom(...ACTIONS);
const anyString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "prototype",
    ...ROLES,
    ...ACTIONS,
  ),
);

const input: fc.Arbitrary<CapabilityInput> = fc.record({
  actor: fc.record({ role, client: fc.constantFrom(...CLIENTS) }),
  team: fc.record({
    features: fc.record({
      pixel: fc.boolean(),
      omo: fc.boolean(),
      conversationExport: fc.boolean(),
    }),
  }),
  conversation: fc.record({ channel: fc.constantFrom(...CHANNELS) }),
  customer: fc.record({ hasWhatsAppIdentity: fc.boolean() }),
  identityBound: fc.boolean(),
  omoBound: fc.boolean(),
});

/** A reason is true of the input it was given for: it names a gate that really fails. */
const holds = (reason: Reason, i: CapabilityInput): boolean => {
  switch (reason.kind) {
    case "role":
      return reason.role === i.actor.role && !reason.allowedRoles.includes(i.actor.role);
    case "feature":
      return !i.team.features[reason.feature];
    case "client":
      return reason.client === i.actor.client && !reason.allowedClients.includes(i.actor.client);
    case "channel":
      return (
        reason.channel === i.conversation.channel &&
        !reason.allowedChannels.includes(i.conversation.channel)
      );
    case "binding":
      return !i.identityBound && reason.channel === i.conversation.channel;
    case "locked":
      return i.customer.hasWhatsAppIdentity;
    case "omo_binding":
      return !i.omoBound;
  }
};

describe("X1 the matrix is total and denies by default", () => {
  test.prop([role, action])("answers every role × action, as PERMISSIONS says", (r, a) => {
    const answer = can(r, a);
    expect(answer.allowed).toBe(PERMISSIONS[a].includes(r));
    if (!answer.allowed) expect(answer.reason.allowedRoles).toEqual(PERMISSIONS[a]);
  });

  test.prop([anyString, anyString])(
    "allows nothing but a listed role for a listed action",
    (r, a) => {
      const answer = can(r, a);
      const listed =
        (ACTIONS as readonly string[]).includes(a) &&
        (PERMISSIONS[a as (typeof ACTIONS)[number]] as readonly string[]).includes(r);
      expect(answer.allowed).toBe(listed);
      if (!answer.allowed) expect(answer.reason).toMatchObject({ kind: "role", role: r });
    },
  );
});

describe("X3 capabilities are available exactly when every gate passes", () => {
  test.prop([input])("an available capability passes every gate of its description", (i) => {
    const caps = capabilities(i);
    for (const name of PANEL_CAPABILITIES) {
      if (!caps[name].available) continue;
      const gate = CAPABILITY_GATES[name];
      expect(can(i.actor.role, gate.action).allowed).toBe(true);
      for (const feature of gate.features ?? []) expect(i.team.features[feature]).toBe(true);
      if (gate.channels) expect(gate.channels).toContain(i.conversation.channel);
      if (gate.clients) expect(gate.clients).toContain(i.actor.client);
      if (gate.identityBindingOn?.includes(i.conversation.channel))
        expect(i.identityBound).toBe(true);
      if (gate.lockedByWhatsApp) expect(i.customer.hasWhatsAppIdentity).toBe(false);
      if (gate.needsOmoBinding) expect(i.omoBound).toBe(true);
    }
  });

  test.prop([input])("an unavailable capability has ≥1 reason, each true and explained", (i) => {
    for (const cap of Object.values(capabilities(i))) {
      if (cap.available) continue;
      expect(cap.reasons.length).toBeGreaterThanOrEqual(1);
      for (const reason of cap.reasons) {
        expect(holds(reason, i)).toBe(true);
        expect(reason.message.trim().length).toBeGreaterThan(0);
      }
      const keys = cap.reasons.map((r) => (r.kind === "feature" ? `feature:${r.feature}` : r.kind));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  test.prop([input, fc.constantFrom(...PLAN_FEATURES)])(
    "enabling a plan feature never takes a capability away nor adds a reason",
    (i, feature) => {
      const before = capabilities(i);
      const after = capabilities({
        ...i,
        team: { features: { ...i.team.features, [feature]: true } },
      });
      for (const name of PANEL_CAPABILITIES) {
        const b = before[name];
        const a = after[name];
        if (b.available) expect(a.available).toBe(true);
        const count = (c: typeof a) => (c.available ? 0 : c.reasons.length);
        expect(count(a)).toBeLessThanOrEqual(count(b));
      }
    },
  );

  test.prop([input])(
    "completing identity binding or an OMO binding never takes anything away",
    (i) => {
      const before = capabilities(i);
      const after = capabilities({ ...i, identityBound: true, omoBound: true });
      for (const name of PANEL_CAPABILITIES) {
        if (before[name].available) expect(after[name].available).toBe(true);
      }
    },
  );
});
