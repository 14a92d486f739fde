import type { CapabilityInput } from "../../src/rules/capabilities.js";

/**
 * The capability inputs the spec tests start from; each test changes only what its rule
 * is about, so any unavailability it sees comes from that change.
 */

/** Everything on: an admin on the web, every plan feature, a LINE customer bound everywhere. */
export const OPEN_INPUT: CapabilityInput = {
  actor: { role: "admin", client: "web" },
  team: { features: { pixel: true, omo: true, conversationExport: true } },
  conversation: { channel: "line" },
  customer: { hasWhatsAppIdentity: false },
  identityBound: true,
  omoBound: true,
};

/** Plain: a cs_agent on the web, no plan feature, an unbound webchat customer without WhatsApp. */
export const PLAIN_INPUT: CapabilityInput = {
  actor: { role: "cs_agent", client: "web" },
  team: { features: { pixel: false, omo: false, conversationExport: false } },
  conversation: { channel: "webchat" },
  customer: { hasWhatsAppIdentity: false },
  identityBound: false,
  omoBound: false,
};
