import { describe, expect, it } from "vitest";
import { CHANNELS, CLIENTS } from "../../src/domain/vocabulary.js";
import {
  type CapabilityInput,
  capability,
  denialToError,
  firstDenial,
} from "../../src/rules/capabilities.js";
import { can } from "../../src/rules/permissions-matrix.js";
import { PLAIN_INPUT } from "../support/capability-inputs.js";

const base: CapabilityInput = {
  ...PLAIN_INPUT,
  actor: { role: "admin", client: "web" },
  conversation: { channel: "line" },
};

const DENIED = (role: string) => ({
  available: false,
  reasons: [
    {
      kind: "role",
      role,
      allowedRoles: ["admin", "supervisor"],
      message: `Only admin and supervisor may delete the conversation; this member's role is ${role}.`,
    },
  ],
});

describe("L9 only admin and supervisor may delete a conversation (not cs_*, not sales*)", () => {
  it.each([
    ["admin", true],
    ["supervisor", true],
    ["cs_manager", false],
    ["cs_agent", false],
    ["sales_manager", false],
    ["sales", false],
  ] as const)("%s may delete: %s", (role, allowed) => {
    expect(can(role, "conversations.delete").allowed).toBe(allowed);
    const cap = capability("deleteConversation", { ...base, actor: { role, client: "web" } });
    expect(cap).toEqual(allowed ? { available: true } : DENIED(role));
  });

  it.each(CHANNELS.flatMap((channel) => CLIENTS.map((client) => ({ channel, client }))))(
    "needs no plan feature, channel or client: supervisor on $channel from $client",
    ({ channel, client }) => {
      const cap = capability("deleteConversation", {
        ...base,
        actor: { role: "supervisor", client },
        conversation: { channel },
      });
      expect(cap).toEqual({ available: true });
    },
  );

  it("refuses a cs_manager with ROLE_NOT_ALLOWED", () => {
    const cap = capability("deleteConversation", {
      ...base,
      actor: { role: "cs_manager", client: "web" },
    });
    const reason = firstDenial(cap);
    expect(reason && denialToError("conversations.delete", reason)).toMatchObject({
      code: "ROLE_NOT_ALLOWED",
      role: "cs_manager",
    });
  });

  it("lets every role search conversations (what deletion must later remove)", () => {
    for (const role of [
      "admin",
      "supervisor",
      "cs_manager",
      "cs_agent",
      "sales_manager",
      "sales",
    ]) {
      expect(can(role, "conversations.search").allowed).toBe(true);
    }
  });
});
