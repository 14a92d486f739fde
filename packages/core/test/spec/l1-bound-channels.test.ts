import { describe, expect, it } from "vitest";
import { ConversationId } from "../../src/domain/ids.js";
import type { BoundConversation } from "../../src/domain/panel-snapshot.js";
import { SOCIAL_CHANNELS } from "../../src/domain/vocabulary.js";
import { boundChannels, websiteMemberOf } from "../../src/rules/website-member.js";

const conversationId = (n: number) =>
  ConversationId.parse(`00000000-0000-4000-8000-${String(n).padStart(12, "0")}`);
const at = (iso: string) => new Date(iso);

const BOUND_AT = at("2025-03-01T09:00:00Z");

describe("L1 which website member a conversation's customer is known as", () => {
  it("webchat: the member id the pixel tracked into the profile (P4), whatever the identity says", () => {
    expect(
      websiteMemberOf(
        "webchat",
        { memberId: "M-1001" },
        { websiteMemberId: "M-9999", boundAt: BOUND_AT },
      ),
    ).toBe("M-1001");
    expect(
      websiteMemberOf(
        "webchat",
        { memberId: null },
        { websiteMemberId: "M-9999", boundAt: BOUND_AT },
      ),
    ).toBeNull();
  });

  it.each(SOCIAL_CHANNELS)("%s: the member the identity completed binding to", (channel) => {
    expect(
      websiteMemberOf(
        channel,
        { memberId: "M-0007" },
        { websiteMemberId: "M-1001", boundAt: BOUND_AT },
      ),
    ).toBe("M-1001");
  });

  it.each(SOCIAL_CHANNELS)("%s: nobody while the binding has not completed", (channel) => {
    expect(
      websiteMemberOf(
        channel,
        { memberId: "M-0007" },
        { websiteMemberId: "M-1001", boundAt: null },
      ),
    ).toBeNull();
    expect(
      websiteMemberOf(channel, { memberId: "M-0007" }, { websiteMemberId: null, boundAt: null }),
    ).toBeNull();
  });
});

describe("L1 bound channels: the same member's other conversations, one per channel, to go to", () => {
  const current = { conversationId: conversationId(1), websiteMemberId: "M-1001" };
  const conv = (
    n: number,
    channel: BoundConversation["channel"],
    iso: string | null,
    websiteMemberId: string | null = "M-1001",
  ): BoundConversation => ({
    conversationId: conversationId(n),
    channel,
    websiteMemberId,
    lastMessageAt: iso === null ? null : at(iso),
  });

  it("lists the member's conversations on other channels, most recent first", () => {
    const line = conv(2, "line", "2025-03-05T00:00:00Z");
    const facebook = conv(3, "facebook", "2025-03-07T00:00:00Z");
    const whatsapp = conv(4, "whatsapp", "2025-03-06T00:00:00Z");
    expect(boundChannels(current, [line, facebook, whatsapp])).toEqual([facebook, whatsapp, line]);
  });

  it("leaves out the conversation being viewed", () => {
    const self = conv(1, "webchat", "2025-03-09T00:00:00Z");
    const line = conv(2, "line", "2025-03-05T00:00:00Z");
    expect(boundChannels(current, [self, line])).toEqual([line]);
  });

  it("leaves out other members' and unbound conversations", () => {
    const mine = conv(2, "line", "2025-03-05T00:00:00Z");
    const someoneElse = conv(3, "facebook", "2025-03-07T00:00:00Z", "M-2002");
    const unbound = conv(4, "instagram", "2025-03-08T00:00:00Z", null);
    expect(boundChannels(current, [mine, someoneElse, unbound])).toEqual([mine]);
  });

  it("keeps one conversation per channel: the most recent", () => {
    const olderLine = conv(2, "line", "2025-03-01T00:00:00Z");
    const newerLine = conv(3, "line", "2025-03-08T00:00:00Z");
    const silentLine = conv(4, "line", null);
    expect(boundChannels(current, [olderLine, newerLine, silentLine])).toEqual([newerLine]);
    expect(boundChannels(current, [silentLine, newerLine, olderLine])).toEqual([newerLine]);
  });

  it("lists nothing when the customer has no member account", () => {
    const line = conv(2, "line", "2025-03-05T00:00:00Z", null);
    expect(
      boundChannels({ conversationId: conversationId(1), websiteMemberId: null }, [line]),
    ).toEqual([]);
  });

  it("lists nothing when there is no other conversation", () => {
    expect(boundChannels(current, [])).toEqual([]);
  });
});
