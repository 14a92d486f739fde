/**
 * @customer-panel/core — the pure domain rules of the customer profile panel.
 * No I/O: use cases are Effect programs over the ports in `ports.ts`.
 */

export * from "./csv/index.js";
export * from "./domain/errors.js";
export * from "./domain/ids.js";
export * from "./domain/model.js";
export * from "./domain/vocabulary.js";
export * from "./ports.js";
export * from "./rules/capabilities.js";
export * from "./rules/conversation-state.js";
export * from "./rules/future-instants.js";
export * from "./rules/ingress.js";
export * from "./rules/orders-visibility.js";
export * from "./rules/permissions-doc.js";
export * from "./rules/permissions-matrix.js";
export * from "./rules/phone-number.js";
export * from "./rules/pixel-member-id.js";
export * from "./rules/presence.js";
export * from "./rules/profile-edit.js";
export * from "./rules/repeat-tagging.js";
export * from "./rules/report-window.js";
export * from "./rules/tag-frequency.js";
export * from "./rules/tag-name.js";
export * from "./rules/tag-suggestions.js";
export * from "./rules/text-hygiene.js";
export * from "./rules/website-member.js";
export * from "./schemas/fields.js";
export * from "./schemas/operations.js";
export * from "./schemas/outputs.js";
export * from "./schemas/parse-input.js";
export * from "./schemas/procedures.js";
export * from "./use-cases/authorize.js";
export * from "./use-cases/conversations.js";
export * from "./use-cases/exports.js";
export * from "./use-cases/ingest.js";
export * from "./use-cases/omo.js";
export * from "./use-cases/panel.js";
export * from "./use-cases/profile.js";
export * from "./use-cases/tag-reports.js";
export * from "./use-cases/tags.js";
