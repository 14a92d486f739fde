import { describe, expect, it } from "vitest";
import { CHANNELS, CLIENTS, ROLES, type Role } from "../../src/domain/vocabulary.js";
import {
  CAPABILITY_GATES,
  type CapabilityInput,
  capabilities,
  capability,
  denialToError,
  firstDenial,
  PANEL_CAPABILITIES,
  type PanelCapability,
  type Reason,
} from "../../src/rules/capabilities.js";
import { ACTIONS, can } from "../../src/rules/permissions-matrix.js";
import { OPEN_INPUT } from "../support/capability-inputs.js";

const OPEN = OPEN_INPUT;

/** Everything switched off that can be. */
const CLOSED = (role: Role): CapabilityInput => ({
  actor: { role, client: "app" },
  team: { features: { pixel: false, omo: false, conversationExport: false } },
  conversation: { channel: "facebook" },
  customer: { hasWhatsAppIdentity: true },
  identityBound: false,
  omoBound: false,
});

const kinds = (name: PanelCapability, input: CapabilityInput): readonly string[] => {
  const cap = capability(name, input);
  return cap.available ? [] : cap.reasons.map((r) => r.kind);
};

describe("X3 B3 capabilities: every panel action, available or not, and why", () => {
  it("answers for every panel capability, and only those", () => {
    const caps = capabilities(OPEN);
    expect(Object.keys(caps).sort()).toEqual([...PANEL_CAPABILITIES].sort());
    expect(PANEL_CAPABILITIES).toHaveLength(20);
  });

  it.each([
    ["line", ["viewLastPage"]],
    ["whatsapp", ["viewLastPage"]],
    ["webchat", ["viewOmo", "unbindOmo"]],
  ] as const)("with every feature and binding, an admin on %s has all but %j", (channel, off) => {
    const caps = capabilities({ ...OPEN, conversation: { channel } });
    const unavailable = PANEL_CAPABILITIES.filter((name) => !caps[name].available);
    expect(unavailable).toEqual(off);
    for (const name of off)
      expect(kinds(name, { ...OPEN, conversation: { channel } })).toEqual(["channel"]);
  });

  it("gives every reason, not the first: a supervisor on the app without conversationExport", () => {
    const cap = capability("exportConversation", {
      ...OPEN,
      actor: { role: "supervisor", client: "app" },
      team: { features: { ...OPEN.team.features, conversationExport: false } },
    });
    expect(cap).toEqual({
      available: false,
      reasons: [
        {
          kind: "role",
          role: "supervisor",
          allowedRoles: ["admin"],
          message: "Only admin may export the conversation; this member's role is supervisor.",
        },
        {
          kind: "feature",
          feature: "conversationExport",
          message:
            "To export the conversation, the team needs the plan feature conversationExport.",
        },
        {
          kind: "client",
          client: "app",
          allowedClients: ["web", "api"],
          message: "You can not export the conversation from the app client, only from web or api.",
        },
      ],
    });
  });

  const ungated = [
    "viewPanel",
    "editProfile",
    "hidePanel",
    "viewEvents",
    "suggestTags",
    "applyTag",
    "removeTag",
    "viewTagFrequency",
    "viewBoundChannels",
    "setStatus",
    "changeState",
  ] as const satisfies readonly PanelCapability[];
  const everyone = ROLES.flatMap((role) =>
    CHANNELS.flatMap((channel) => CLIENTS.map((client) => ({ role, channel, client }))),
  );

  it.each(everyone)(
    "X1 open actions stay available to $role on $channel from $client, whatever else is off",
    ({ role, channel, client }) => {
      const input = { ...CLOSED(role), actor: { role, client }, conversation: { channel } };
      for (const name of ungated) expect(capability(name, input)).toEqual({ available: true });
    },
  );

  it.each([
    ["admin", []],
    ["supervisor", []],
    ["cs_manager", []],
    ["cs_agent", ["role"]],
    ["sales_manager", ["role"]],
    ["sales", ["role"]],
  ] as const)("X1 tag reports: %s → %j", (role, expected) => {
    expect(kinds("exportTagReports", { ...OPEN, actor: { role, client: "web" } })).toEqual(
      expected,
    );
    const cap = capability("exportTagReports", { ...CLOSED(role), actor: { role, client: "app" } });
    expect(cap.available).toBe(expected.length === 0);
  });

  it.each([
    [true, { available: true }],
    [
      false,
      {
        available: false,
        reasons: [
          {
            kind: "feature",
            feature: "pixel",
            message: "To see the pixel member ID, the team needs the plan feature pixel.",
          },
        ],
      },
    ],
  ])("P4 the pixel member ID shows only with pixel (pixel=%s)", (pixel, expected) => {
    for (const role of ROLES) {
      const input = { ...OPEN, actor: { role, client: "web" as const } };
      expect(
        capability("viewMemberId", {
          ...input,
          team: { features: { ...OPEN.team.features, pixel } },
        }),
      ).toEqual(expected);
    }
  });

  it("takes role reasons from the permissions matrix, for every role and capability", () => {
    for (const role of ROLES) {
      const input = { ...OPEN, actor: { role, client: "web" as const } };
      for (const name of PANEL_CAPABILITIES) {
        const permission = can(role, CAPABILITY_GATES[name].action);
        const cap = capability(name, input);
        const roleReasons = cap.available ? [] : cap.reasons.filter((r) => r.kind === "role");
        if (permission.allowed) expect(roleReasons).toEqual([]);
        else expect(roleReasons).toEqual([expect.objectContaining(permission.reason)]);
      }
    }
  });

  it("gates every capability with a matrix action and cites rule IDs", () => {
    for (const name of PANEL_CAPABILITIES) {
      expect(ACTIONS).toContain(CAPABILITY_GATES[name].action);
      expect(CAPABILITY_GATES[name].rules.length).toBeGreaterThan(0);
    }
  });

  it.each(ROLES)("gives a human message with every reason (%s, everything off)", (role) => {
    for (const cap of Object.values(capabilities(CLOSED(role)))) {
      if (!cap.available) for (const reason of cap.reasons) expect(reason.message).toMatch(/\w/);
    }
  });
});

describe("X4 a denial becomes a domain error with a stable code; data conditions do not", () => {
  const cases: readonly [Reason, string | null][] = [
    [{ kind: "role", role: "cs_agent", allowedRoles: ["admin"], message: "" }, "ROLE_NOT_ALLOWED"],
    [{ kind: "feature", feature: "omo", message: "" }, "FEATURE_NOT_ENABLED"],
    [
      { kind: "client", client: "app", allowedClients: ["web", "api"], message: "" },
      "CLIENT_NOT_SUPPORTED",
    ],
    [
      { kind: "channel", channel: "facebook", allowedChannels: ["webchat"], message: "" },
      "CHANNEL_NOT_SUPPORTED",
    ],
    [{ kind: "locked", field: "phone", source: "whatsapp", message: "" }, "PHONE_LOCKED"],
    [{ kind: "binding", channel: "line", message: "" }, null],
    [{ kind: "omo_binding", message: "" }, null],
  ];

  it.each(cases)("%o → %s", (reason, code) => {
    const error = denialToError("conversations.export", reason);
    expect(error === null ? null : error.code).toBe(code);
  });

  it("names the action and the refused value in the error", () => {
    expect(
      denialToError("omo.unbind", {
        kind: "channel",
        channel: "instagram",
        allowedChannels: [],
        message: "",
      }),
    ).toMatchObject({ _tag: "ChannelNotSupported", action: "omo.unbind", channel: "instagram" });
  });

  it("reports the first reason, permission refusals before data conditions", () => {
    const cap = capability("unbindOmo", {
      ...CLOSED("cs_agent"),
      conversation: { channel: "line" },
    });
    expect(cap.available ? [] : cap.reasons.map((r) => r.kind)).toEqual([
      "role",
      "feature",
      "omo_binding",
    ]);
    expect(firstDenial(cap)?.kind).toBe("role");
    expect(firstDenial({ available: true })).toBeUndefined();
  });
});
