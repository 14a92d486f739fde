import { describe, expect, it } from "vitest";
import { CHANNELS, ROLES } from "../../src/domain/vocabulary.js";
import {
  type CapabilityInput,
  capability,
  denialToError,
  firstDenial,
} from "../../src/rules/capabilities.js";
import { OPEN_INPUT } from "../support/capability-inputs.js";

const base = OPEN_INPUT;

const with_ = (
  role: CapabilityInput["actor"]["role"],
  channel: CapabilityInput["conversation"]["channel"],
  omo: boolean,
  omoBound = true,
): CapabilityInput => ({
  ...base,
  actor: { role, client: "web" },
  conversation: { channel },
  team: { features: { ...base.team.features, omo } },
  omoBound,
});

const FEATURE = {
  kind: "feature",
  feature: "omo",
  message: expect.stringContaining("plan feature omo"),
};
const CHANNEL = (channel: string) => ({
  kind: "channel",
  channel,
  allowedChannels: ["line", "whatsapp"],
  message: expect.stringContaining("only on line or whatsapp conversations"),
});

describe("O1 OMO binding shows only for teams with omo, only on LINE and WhatsApp", () => {
  // Written out: channel, omo → expected reason kinds.
  it.each([
    ["line", true, []],
    ["line", false, ["feature"]],
    ["whatsapp", true, []],
    ["whatsapp", false, ["feature"]],
    ["facebook", true, ["channel"]],
    ["facebook", false, ["feature", "channel"]],
    ["instagram", true, ["channel"]],
    ["instagram", false, ["feature", "channel"]],
    ["webchat", true, ["channel"]],
    ["webchat", false, ["feature", "channel"]],
  ] as const)("on %s with omo=%s → %j", (channel, omo, expected) => {
    for (const role of ROLES) {
      const cap = capability("viewOmo", with_(role, channel, omo));
      if (expected.length === 0) expect(cap).toEqual({ available: true });
      else
        expect(cap).toEqual({
          available: false,
          reasons: expected.map((kind) => (kind === "feature" ? FEATURE : CHANNEL(channel))),
        });
    }
  });

  it("refuses unbinding on Instagram with CHANNEL_NOT_SUPPORTED and without omo with FEATURE_NOT_ENABLED", () => {
    const onInstagram = firstDenial(capability("unbindOmo", with_("admin", "instagram", true)));
    expect(onInstagram && denialToError("omo.unbind", onInstagram)).toMatchObject({
      code: "CHANNEL_NOT_SUPPORTED",
      channel: "instagram",
    });
    const withoutOmo = firstDenial(capability("unbindOmo", with_("admin", "line", false)));
    expect(withoutOmo && denialToError("omo.unbind", withoutOmo)).toMatchObject({
      code: "FEATURE_NOT_ENABLED",
      feature: "omo",
    });
  });
});

describe("O2 unbinding is allowed to admin, supervisor, sales and sales_manager — with O1's gates and a binding", () => {
  const UNBINDERS = ["admin", "supervisor", "sales_manager", "sales"];
  const combinations = ROLES.flatMap((role) =>
    CHANNELS.flatMap((channel) =>
      [true, false].flatMap((omo) =>
        [true, false].map((omoBound) => ({
          role,
          channel,
          omo,
          omoBound,
          // The rule, restated; every failing gate is a reason, in this order.
          expected: [
            ...(UNBINDERS.includes(role)
              ? []
              : [{ kind: "role", role, allowedRoles: UNBINDERS, message: expect.any(String) }]),
            ...(omo ? [] : [FEATURE]),
            ...(channel === "line" || channel === "whatsapp" ? [] : [CHANNEL(channel)]),
            ...(omoBound
              ? []
              : [{ kind: "omo_binding", message: "The customer has no OMO binding to unbind." }]),
          ],
        })),
      ),
    ),
  );

  it("covers every role × channel × omo × binding combination", () => {
    expect(combinations).toHaveLength(6 * 5 * 2 * 2);
  });

  it.each(combinations)(
    "$role on $channel, omo=$omo, bound=$omoBound",
    ({ role, channel, omo, omoBound, expected }) => {
      const cap = capability("unbindOmo", with_(role, channel, omo, omoBound));
      if (expected.length === 0) expect(cap).toEqual({ available: true });
      else expect(cap).toEqual({ available: false, reasons: expected });
    },
  );

  it.each(["cs_manager", "cs_agent"] as const)("refuses %s with ROLE_NOT_ALLOWED", (role) => {
    const reason = firstDenial(capability("unbindOmo", with_(role, "line", true)));
    expect(reason && denialToError("omo.unbind", reason)).toMatchObject({
      code: "ROLE_NOT_ALLOWED",
      role,
    });
  });

  it("maps a missing binding to no error: there is nothing to unbind, which the caller answers", () => {
    const reason = firstDenial(capability("unbindOmo", with_("admin", "line", true, false)));
    expect(reason?.kind).toBe("omo_binding");
    expect(reason && denialToError("omo.unbind", reason)).toBeNull();
  });
});
