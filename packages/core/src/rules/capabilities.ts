import {
  ChannelNotSupported,
  ClientNotSupported,
  FeatureNotEnabled,
  PhoneLocked,
  RoleNotAllowed,
} from "../domain/errors.js";
import {
  type Channel,
  type Client,
  type PlanFeature,
  type Role,
  SOCIAL_CHANNELS,
} from "../domain/vocabulary.js";
import { type Action, can } from "./permissions-matrix.js";

/**
 * X3/B3: which panel actions are available to a member on a conversation, and for each
 * unavailable one every reason why. The gates are data (CAPABILITY_GATES) that
 * `capabilities()` interprets, so the generated docs and the code can not drift apart.
 */

/** Every capability the panel asks about. */
export const PANEL_CAPABILITIES = [
  "viewPanel",
  "editProfile",
  "editPhone",
  "viewMemberId",
  "hidePanel",
  "viewEvents",
  "suggestTags",
  "applyTag",
  "removeTag",
  "viewTagFrequency",
  "exportTagReports",
  "viewBoundChannels",
  "viewOrders",
  "viewLastPage",
  "setStatus",
  "changeState",
  "exportConversation",
  "deleteConversation",
  "viewOmo",
  "unbindOmo",
] as const;
/** One panel action or section. */
export type PanelCapability = (typeof PANEL_CAPABILITIES)[number];

/** The facts about a member, their team, the conversation and its customer that gate capabilities. */
export interface CapabilityInput {
  /** The signed-in member and what they work from. */
  readonly actor: { readonly role: Role; readonly client: Client };
  /** The team's plan features. */
  readonly team: {
    readonly features: {
      readonly pixel: boolean;
      readonly omo: boolean;
      readonly conversationExport: boolean;
    };
  };
  /** The conversation open in the inbox. */
  readonly conversation: { readonly channel: Channel };
  /** The conversation's customer. */
  readonly customer: { readonly hasWhatsAppIdentity: boolean };
  /** The conversation's social identity completed identity binding (社群身分綁定, L4). */
  readonly identityBound: boolean;
  /** The customer has an OMO binding (O2: something to unbind). */
  readonly omoBound: boolean;
}

/** The gates of one capability, as data; a gate that is absent does not apply. */
export interface CapabilityGate {
  /** The matrix action whose roles gate it (X1). */
  readonly action: Action;
  /** What it lets the member do, as a verb phrase. */
  readonly label: string;
  /** The spec rule IDs it serves. */
  readonly rules: readonly string[];
  /** Plan features the team must have, all of them. */
  readonly features?: readonly PlanFeature[];
  /** Channels of the conversation it exists on. */
  readonly channels?: readonly Channel[];
  /** Clients the member may work from. */
  readonly clients?: readonly Client[];
  /** Channels on which the conversation's identity must have completed identity binding. */
  readonly identityBindingOn?: readonly Channel[];
  /** Unavailable when the customer has a WhatsApp identity (P3). */
  readonly lockedByWhatsApp?: boolean;
  /** Needs an existing OMO binding. */
  readonly needsOmoBinding?: boolean;
}

/** Every capability's gates: the single description that code and docs both read. */
export const CAPABILITY_GATES: { readonly [C in PanelCapability]: CapabilityGate } = {
  viewPanel: { action: "panel.view", label: "view the customer panel", rules: ["P1", "X3"] },
  editProfile: {
    action: "profile.edit",
    label: "edit the name, email and note",
    rules: ["P1", "P2"],
  },
  editPhone: {
    action: "profile.edit",
    label: "edit the phone number",
    rules: ["P1", "P3"],
    lockedByWhatsApp: true,
  },
  viewMemberId: {
    action: "panel.view",
    label: "see the pixel member ID",
    rules: ["P4"],
    features: ["pixel"],
  },
  hidePanel: {
    action: "preferences.setPanelHidden",
    label: "hide or show the panel",
    rules: ["P5"],
  },
  viewEvents: { action: "events.view", label: "view the event log", rules: ["E1"] },
  suggestTags: { action: "tags.suggest", label: "get tag suggestions", rules: ["T2"] },
  applyTag: { action: "tags.apply", label: "tag the customer", rules: ["T3", "T4"] },
  removeTag: { action: "tags.remove", label: "remove a tag", rules: ["T5"] },
  viewTagFrequency: { action: "tags.frequency", label: "view tag frequency", rules: ["T6"] },
  exportTagReports: {
    action: "tagReports.export",
    label: "export tag reports",
    rules: ["R2", "R3", "X1"],
  },
  viewBoundChannels: { action: "panel.view", label: "see bound channels", rules: ["L1"] },
  viewOrders: {
    action: "panel.view",
    label: "see the cart and recent orders",
    rules: ["L2", "L3", "L4"],
    features: ["pixel"],
    identityBindingOn: SOCIAL_CHANNELS,
  },
  viewLastPage: {
    action: "panel.view",
    label: "see the last message page",
    rules: ["L6"],
    channels: ["webchat"],
  },
  setStatus: {
    action: "conversations.setStatus",
    label: "block or unblock the customer",
    rules: ["L5"],
  },
  changeState: {
    action: "conversations.changeState",
    label: "change the conversation's state",
    rules: ["E2"],
  },
  exportConversation: {
    action: "conversations.export",
    label: "export the conversation",
    rules: ["L7", "L8"],
    features: ["conversationExport"],
    clients: ["web", "api"],
  },
  deleteConversation: {
    action: "conversations.delete",
    label: "delete the conversation",
    rules: ["L9"],
  },
  viewOmo: {
    action: "panel.view",
    label: "see the OMO binding",
    rules: ["O1"],
    features: ["omo"],
    channels: ["line", "whatsapp"],
  },
  unbindOmo: {
    action: "omo.unbind",
    label: "unbind the OMO membership",
    rules: ["O1", "O2"],
    features: ["omo"],
    channels: ["line", "whatsapp"],
    needsOmoBinding: true,
  },
};

/** One reason a capability is unavailable; every reason carries a human `message`. */
export type Reason =
  | {
      readonly kind: "role";
      readonly role: Role;
      readonly allowedRoles: readonly Role[];
      readonly message: string;
    }
  | { readonly kind: "feature"; readonly feature: PlanFeature; readonly message: string }
  | {
      readonly kind: "client";
      readonly client: Client;
      readonly allowedClients: readonly Client[];
      readonly message: string;
    }
  | {
      readonly kind: "channel";
      readonly channel: Channel;
      readonly allowedChannels: readonly Channel[];
      readonly message: string;
    }
  | { readonly kind: "binding"; readonly channel: Channel; readonly message: string }
  | {
      readonly kind: "locked";
      readonly field: "phone";
      readonly source: "whatsapp";
      readonly message: string;
    }
  | { readonly kind: "omo_binding"; readonly message: string };

/** The answer for one capability; an unavailable one always has at least one reason. */
export type Capability =
  | { readonly available: true }
  | { readonly available: false; readonly reasons: readonly [Reason, ...Reason[]] };

/** The answer for every capability of the panel. */
export type Capabilities = { readonly [C in PanelCapability]: Capability };

const AVAILABLE: Capability = { available: true };

// "a", "a and b", "a, b and c": messages are read by people.
const humanList = (items: readonly string[], conjunction: "and" | "or"): string =>
  items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;

/** Every reason one gate fails for `input`, in a stable order: permission refusals before data conditions. */
export const reasonsFor = (gate: CapabilityGate, input: CapabilityInput): readonly Reason[] => {
  const { role, client } = input.actor;
  const { channel } = input.conversation;
  const reasons: Reason[] = [];
  const permission = can(role, gate.action);
  if (!permission.allowed) {
    const { allowedRoles } = permission.reason;
    reasons.push({
      kind: "role",
      role,
      allowedRoles,
      message:
        allowedRoles.length === 0
          ? `No role may ${gate.label}.`
          : `Only ${humanList(allowedRoles, "and")} may ${gate.label}; this member's role is ${role}.`,
    });
  }
  for (const feature of gate.features ?? []) {
    if (!input.team.features[feature]) {
      reasons.push({
        kind: "feature",
        feature,
        message: `To ${gate.label}, the team needs the plan feature ${feature}.`,
      });
    }
  }
  if (gate.clients && !gate.clients.includes(client)) {
    reasons.push({
      kind: "client",
      client,
      allowedClients: gate.clients,
      message: `You can not ${gate.label} from the ${client} client, only from ${humanList(gate.clients, "or")}.`,
    });
  }
  if (gate.channels && !gate.channels.includes(channel)) {
    reasons.push({
      kind: "channel",
      channel,
      allowedChannels: gate.channels,
      message: `You can ${gate.label} only on ${humanList(gate.channels, "or")} conversations, not on ${channel}.`,
    });
  }
  if (gate.identityBindingOn?.includes(channel) && !input.identityBound) {
    reasons.push({
      kind: "binding",
      channel,
      message: `To ${gate.label}, the customer's ${channel} identity must complete identity binding (社群身分綁定).`,
    });
  }
  if (gate.lockedByWhatsApp && input.customer.hasWhatsAppIdentity) {
    reasons.push({
      kind: "locked",
      field: "phone",
      source: "whatsapp",
      message: "The phone number comes from WhatsApp and can not be changed.",
    });
  }
  if (gate.needsOmoBinding && !input.omoBound) {
    reasons.push({ kind: "omo_binding", message: "The customer has no OMO binding to unbind." });
  }
  return reasons;
};

/** The answer for one capability. */
export const capability = (name: PanelCapability, input: CapabilityInput): Capability => {
  const [first, ...rest] = reasonsFor(CAPABILITY_GATES[name], input);
  return first === undefined ? AVAILABLE : { available: false, reasons: [first, ...rest] };
};

/** X3: every capability of the panel for one member, team, conversation and customer. */
export const capabilities = (input: CapabilityInput): Capabilities => {
  const entries = PANEL_CAPABILITIES.map((name) => [name, capability(name, input)] as const);
  return Object.fromEntries(entries) as Record<PanelCapability, Capability>;
};

/**
 * The first reason of an unavailable capability, or undefined when it is available.
 * Reasons are ordered permission refusals first, so this is the one to report.
 */
export const firstDenial = (cap: Capability): Reason | undefined =>
  cap.available ? undefined : cap.reasons[0];

/** A domain error for a permission refusal (role, feature, client, channel, P3 lock). */
export type DenialError =
  | RoleNotAllowed
  | FeatureNotEnabled
  | ClientNotSupported
  | ChannelNotSupported
  | PhoneLocked;

/**
 * The domain error for one reason of `action`. `binding` and `omo_binding` give null: they
 * are data conditions (nothing to show, nothing to unbind), not refusals, so the caller
 * decides what to answer (usually an empty section or NotFound).
 */
export const denialToError = (action: string, reason: Reason): DenialError | null => {
  switch (reason.kind) {
    case "role":
      return RoleNotAllowed.of(action, reason.role);
    case "feature":
      return FeatureNotEnabled.of(action, reason.feature);
    case "client":
      return ClientNotSupported.of(action, reason.client);
    case "channel":
      return ChannelNotSupported.of(action, reason.channel);
    case "locked":
      return PhoneLocked.make();
    case "binding":
    case "omo_binding":
      return null;
  }
};
