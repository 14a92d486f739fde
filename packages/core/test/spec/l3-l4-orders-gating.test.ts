import { describe, expect, it } from "vitest";
import { CLIENTS, ROLES } from "../../src/domain/vocabulary.js";
import {
  type CapabilityInput,
  capability,
  denialToError,
  firstDenial,
} from "../../src/rules/capabilities.js";
import { PLAIN_INPUT } from "../support/capability-inputs.js";

const base: CapabilityInput = {
  ...PLAIN_INPUT,
  team: { features: { ...PLAIN_INPUT.team.features, pixel: true } },
};

const PIXEL = {
  kind: "feature",
  feature: "pixel",
  message: "To see the cart and recent orders, the team needs the plan feature pixel.",
};
const BINDING = (channel: string) => ({
  kind: "binding",
  channel,
  message: `To see the cart and recent orders, the customer's ${channel} identity must complete identity binding (社群身分綁定).`,
});

describe("L2–L4 cart and orders need pixel; on a social channel also identity binding", () => {
  // Written out: channel, pixel, identity bound → expected reasons.
  it.each([
    ["webchat", true, true, []],
    ["webchat", true, false, []],
    ["webchat", false, true, [PIXEL]],
    ["webchat", false, false, [PIXEL]],
    ["line", true, true, []],
    ["line", true, false, [BINDING("line")]],
    ["line", false, true, [PIXEL]],
    ["line", false, false, [PIXEL, BINDING("line")]],
    ["facebook", true, true, []],
    ["facebook", true, false, [BINDING("facebook")]],
    ["facebook", false, true, [PIXEL]],
    ["facebook", false, false, [PIXEL, BINDING("facebook")]],
    ["instagram", true, true, []],
    ["instagram", true, false, [BINDING("instagram")]],
    ["instagram", false, true, [PIXEL]],
    ["instagram", false, false, [PIXEL, BINDING("instagram")]],
    ["whatsapp", true, true, []],
    ["whatsapp", true, false, [BINDING("whatsapp")]],
    ["whatsapp", false, true, [PIXEL]],
    ["whatsapp", false, false, [PIXEL, BINDING("whatsapp")]],
  ] as const)(
    "on %s, pixel=%s, identityBound=%s → %j",
    (channel, pixel, identityBound, expected) => {
      for (const role of ROLES) {
        for (const client of CLIENTS) {
          const cap = capability("viewOrders", {
            ...base,
            actor: { role, client },
            team: { features: { ...base.team.features, pixel } },
            conversation: { channel },
            identityBound,
          });
          if (expected.length === 0) expect(cap).toEqual({ available: true });
          else expect(cap).toEqual({ available: false, reasons: expected });
        }
      }
    },
  );

  it("L3 refuses without pixel with FEATURE_NOT_ENABLED", () => {
    const cap = capability("viewOrders", {
      ...base,
      team: { features: { ...base.team.features, pixel: false } },
    });
    const reason = firstDenial(cap);
    expect(reason && denialToError("panel.view", reason)).toMatchObject({
      code: "FEATURE_NOT_ENABLED",
      feature: "pixel",
    });
  });

  it("L4 a missing identity binding is a data condition, not a refusal: no error, the section is empty", () => {
    const cap = capability("viewOrders", { ...base, conversation: { channel: "line" } });
    const reason = firstDenial(cap);
    expect(reason?.kind).toBe("binding");
    expect(reason && denialToError("panel.view", reason)).toBeNull();
  });

  it("L1 bound channels are listed on every channel, for every role", () => {
    for (const role of ROLES) {
      for (const channel of ["line", "facebook", "instagram", "whatsapp", "webchat"] as const) {
        const cap = capability("viewBoundChannels", {
          ...base,
          actor: { role, client: "web" },
          conversation: { channel },
        });
        expect(cap).toEqual({ available: true });
      }
    }
  });
});
