import { describe, expect, it } from "vitest";
import { CLIENTS, ROLES } from "../../src/domain/vocabulary.js";
import { capability, denialToError, firstDenial } from "../../src/rules/capabilities.js";
import { PLAIN_INPUT } from "../support/capability-inputs.js";

const base = PLAIN_INPUT;

describe("L6 the last message page exists for webchat conversations only", () => {
  it.each([
    ["webchat", true],
    ["line", false],
    ["facebook", false],
    ["instagram", false],
    ["whatsapp", false],
  ] as const)("on %s: available=%s, for every role and client", (channel, available) => {
    for (const role of ROLES) {
      for (const client of CLIENTS) {
        const cap = capability("viewLastPage", {
          ...base,
          actor: { role, client },
          conversation: { channel },
        });
        expect(cap).toEqual(
          available
            ? { available: true }
            : {
                available: false,
                reasons: [
                  {
                    kind: "channel",
                    channel,
                    allowedChannels: ["webchat"],
                    message: `You can see the last message page only on webchat conversations, not on ${channel}.`,
                  },
                ],
              },
        );
      }
    }
  });

  it("needs no plan feature (pixel off, omo off)", () => {
    expect(capability("viewLastPage", base)).toEqual({ available: true });
  });

  it("refuses a LINE conversation with CHANNEL_NOT_SUPPORTED", () => {
    const reason = firstDenial(
      capability("viewLastPage", { ...base, conversation: { channel: "line" } }),
    );
    expect(reason && denialToError("panel.view", reason)).toMatchObject({
      code: "CHANNEL_NOT_SUPPORTED",
      channel: "line",
    });
  });
});
