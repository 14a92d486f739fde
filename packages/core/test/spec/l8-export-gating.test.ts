import { describe, expect, it } from "vitest";
import { CHANNELS, CLIENTS, ROLES } from "../../src/domain/vocabulary.js";
import { capability, denialToError, firstDenial } from "../../src/rules/capabilities.js";
import { OPEN_INPUT } from "../support/capability-inputs.js";

const base = OPEN_INPUT;

const ROLE = {
  kind: "role",
  allowedRoles: ["admin"],
  message: expect.stringMatching(/^Only admin may export the conversation/),
};
const FEATURE = { kind: "feature", feature: "conversationExport", message: expect.any(String) };
const CLIENT = {
  kind: "client",
  client: "app",
  allowedClients: ["web", "api"],
  message: expect.stringContaining("app client"),
};

// The rule, restated: three independent gates, each reported when it fails.
const combinations = ROLES.flatMap((role) =>
  CLIENTS.flatMap((client) =>
    [true, false].map((conversationExport) => ({
      role,
      client,
      conversationExport,
      expected: [
        ...(role === "admin" ? [] : [{ ...ROLE, role }]),
        ...(conversationExport ? [] : [FEATURE]),
        ...(client === "app" ? [CLIENT] : []),
      ],
    })),
  ),
);

describe("L8 only admin may export, only with conversationExport, never from the app client", () => {
  it("covers every role × client × feature combination", () => {
    expect(combinations).toHaveLength(6 * 3 * 2);
    expect(combinations.filter((c) => c.expected.length === 0).map((c) => c.client)).toEqual([
      "web",
      "api",
    ]);
  });

  it.each(combinations)(
    "$role from $client, conversationExport=$conversationExport",
    ({ role, client, conversationExport, expected }) => {
      const cap = capability("exportConversation", {
        ...base,
        actor: { role, client },
        team: { features: { ...base.team.features, conversationExport } },
      });
      if (expected.length === 0) expect(cap).toEqual({ available: true });
      else expect(cap).toEqual({ available: false, reasons: expected });
    },
  );

  it.each(ROLES.filter((role) => role !== "admin"))(
    "hides the export button from %s even when every other gate is open",
    (role) => {
      const cap = capability("exportConversation", { ...base, actor: { role, client: "web" } });
      expect(cap.available).toBe(false);
      const error = denialToError("conversations.export", firstDenial(cap) ?? fail());
      expect(error).toMatchObject({
        code: "ROLE_NOT_ALLOWED",
        role,
        action: "conversations.export",
      });
    },
  );

  it("refuses an admin on the app client with CLIENT_NOT_SUPPORTED", () => {
    const cap = capability("exportConversation", {
      ...base,
      actor: { role: "admin", client: "app" },
    });
    const error = denialToError("conversations.export", firstDenial(cap) ?? fail());
    expect(error).toMatchObject({ code: "CLIENT_NOT_SUPPORTED", client: "app" });
  });

  it("refuses an admin without the feature with FEATURE_NOT_ENABLED", () => {
    const cap = capability("exportConversation", {
      ...base,
      team: { features: { ...base.team.features, conversationExport: false } },
    });
    const error = denialToError("conversations.export", firstDenial(cap) ?? fail());
    expect(error).toMatchObject({ code: "FEATURE_NOT_ENABLED", feature: "conversationExport" });
  });

  it.each(CHANNELS)("L7 export works on every channel (%s)", (channel) => {
    expect(capability("exportConversation", { ...base, conversation: { channel } })).toEqual({
      available: true,
    });
  });
});

function fail(): never {
  throw new Error("expected a denial");
}
