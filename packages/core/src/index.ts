/**
 * @customer-panel/core — the pure domain rules of the customer profile panel.
 * No I/O: use cases are Effect programs over ports that a data layer provides.
 *
 * This entry is what other teams may use: the vocabulary, ids, model and errors,
 * the rules, the input schemas and the use cases. The ports, and the data only an
 * implementer of them sees, are in `@customer-panel/core/adapter`. Every name is
 * listed, grouped by the module it comes from; each carries its doc comment where it
 * is declared (checked by test/docs/public-api.test.ts).
 */

// domain/author.ts — who did something
export type { Author } from "./domain/author.js";
// domain/conversation-records.ts — a search hit and a deletion receipt (L9, B5)
export type { DeletionReceipt, SearchHit } from "./domain/conversation-records.js";
// domain/conversation-summary.ts — the team's conversation list (N1)
export type { ConversationPage, ConversationSummary } from "./domain/conversation-summary.js";
// domain/email-export.ts — a queued email export
export type { EmailExportJob } from "./domain/email-export.js";
// domain/errors.ts — the closed set of domain errors, each with a stable code
export {
  ChannelNotSupported,
  ClientNotSupported,
  ConversationBlocked,
  CredentialRevoked,
  DOMAIN_ERROR_CODES,
  type DomainError,
  type DomainErrorCode,
  FeatureNotEnabled,
  type FieldIssue,
  IdempotencyKeyReused,
  InvalidStateTransition,
  isDomainError,
  MemberRemoved,
  NotFound,
  PhoneLocked,
  RateLimited,
  ReportRangeInverted,
  ReportRangeTooLong,
  type Resource,
  RoleNotAllowed,
  ServerShuttingDown,
  SubscriberTooSlow,
  ValidationFailed,
} from "./domain/errors.js";
// domain/ids.ts — branded ids
export {
  ConversationId,
  CredentialId,
  CustomerId,
  EventId,
  IdentityId,
  MemberId,
  MessageId,
  TagApplicationId,
  TagId,
  TeamId,
} from "./domain/ids.js";
// domain/incoming-message.ts — where an ingested message landed
export type { IngestedMessage } from "./domain/incoming-message.js";
// domain/model.ts — the entities the rules read
export type {
  Actor,
  Cart,
  Conversation,
  ConversationEvent,
  ConversationEventKind,
  Customer,
  CustomerTag,
  FieldChange,
  Identity,
  IntegrationActor,
  Member,
  MemberActor,
  Message,
  OmoBinding,
  Order,
  OrderItem,
  PlanFeatures,
  Presence,
  Profile,
  Tag,
  TagApplication,
  Team,
} from "./domain/model.js";
// domain/panel-change.ts — a live change (B6)
export type { PanelChange } from "./domain/panel-change.js";
// domain/panel-snapshot.ts — a conversation bound to a website member (L1)
export type { BoundConversation } from "./domain/panel-snapshot.js";
// domain/profile-edit.ts — the decided outcome of a profile edit (P6)
export type { ProfileEditDecision } from "./domain/profile-edit.js";
// domain/remembered-answer.ts — the first answer under an idempotency key (T8)
export type { RememberedAnswer } from "./domain/remembered-answer.js";
// domain/state-decision.ts — a conversation's next state and its log entries (E2)
export type { StateDecision } from "./domain/state-decision.js";
// domain/tag-application.ts — a normalised tag name and the answer to an application
export type { NormalisedTagName, TagApplyResult } from "./domain/tag-application.js";
// domain/tag-reads.ts — a time range, a tag's frequency (T6) and a suggestion candidate (T2)
export type { InstantRange, SuggestionCandidate, TagFrequency } from "./domain/tag-reads.js";
// domain/vocabulary.ts — the closed sets of the product
export {
  CHANNELS,
  type Channel,
  CLIENTS,
  type Client,
  CONVERSATION_STATES,
  type ConversationState,
  DEFAULT_TIME_ZONE,
  PANEL_CHANGE_KINDS,
  type PanelChangeKind,
  PLAN_FEATURES,
  type PlanFeature,
  ROLES,
  type Role,
  SENDER_TYPES,
  type SenderType,
  SOCIAL_CHANNELS,
  TAG_METHODS,
  type TagMethod,
} from "./domain/vocabulary.js";
// domain/xlsx-workbook.ts — an XLSX file as parts, for the adapter that zips them
export type { XlsxPart, XlsxWorkbook } from "./domain/xlsx-workbook.js";
// rules/capabilities.ts — X3: explainable capabilities of the panel
export {
  CAPABILITY_GATES,
  type Capabilities,
  type Capability,
  type CapabilityGate,
  type CapabilityInput,
  capabilities,
  capability,
  type DenialError,
  denialToError,
  firstDenial,
  PANEL_CAPABILITIES,
  type PanelCapability,
  type Reason,
  reasonsFor,
} from "./rules/capabilities.js";
// rules/conversation-state.ts — E2: conversation states and their transitions
export {
  decideStateCommand,
  onCustomerMessage,
  onTeamMessage,
  type StateCommand,
  type StateView,
} from "./rules/conversation-state.js";
// rules/future-instants.ts — X4: no instant from the future
export {
  MAX_CLOCK_SKEW_MS,
  refuseFutureInstants,
  type SentInstant,
} from "./rules/future-instants.js";
// rules/idempotency.ts — T8: replay a retry, refuse a reused key
export {
  decideReplay,
  type ReplayDecision,
} from "./rules/idempotency.js";
// rules/ingress.ts — B2, L5: what an integration may push into a conversation
export {
  decideInbound,
  decideIngestedMessage,
  decideStatusChange,
  type IngressView,
  type StatusDecision,
} from "./rules/ingress.js";
// rules/orders-visibility.ts — L2–L4: which orders and carts the panel shows
export {
  type CommerceView,
  ORDER_WINDOW_DAYS,
  ordersSince,
  visibleCommerce,
} from "./rules/orders-visibility.js";
// rules/permissions-matrix.ts — X1: who may do what
export {
  ACTION_LABELS,
  ACTION_RULES,
  ACTIONS,
  type Action,
  can,
  isAction,
  PERMISSIONS,
  type Permission,
  type PermissionRow,
  permissionRows,
  type RoleDenial,
  requireRole,
} from "./rules/permissions-matrix.js";
// rules/phone-number.ts — P2/P3: E.164 phones and WhatsApp ids
export { isWaId, normalisePhone, whatsAppPhone } from "./rules/phone-number.js";
// rules/pixel-member-id.ts — P4: the website member id a pixel may fill in
export { decideMemberIdFill, type MemberIdFill } from "./rules/pixel-member-id.js";
// rules/presence.ts — L6: online/offline and the last page viewed
export {
  decidePresence,
  type LastPageView,
  lastPageView,
  type PresenceSignal,
} from "./rules/presence.js";

// rules/profile-edit.ts — P1–P3, P6: profile edits and the WhatsApp phone lock
export {
  decideProfileEdit,
  type PhoneLock,
  type ProfilePatch,
  phoneLockOf,
} from "./rules/profile-edit.js";

// rules/repeat-tagging.ts — T3–T5: repeat tagging and removal
export {
  type ApplicationDecision,
  type CustomerTagState,
  decideApplication,
  decideRemoval,
  type RemovalDecision,
} from "./rules/repeat-tagging.js";

// rules/report-window.ts — R1: the report window in the team's time zone
export {
  decideReportWindow,
  isIanaTimeZone,
  MAX_REPORT_DAYS,
  type ReportWindow,
  type ReportWindowInput,
} from "./rules/report-window.js";

// rules/tag-frequency.ts — T6: how often each tag was applied
export {
  countTagFrequency,
  type FrequencyInput,
} from "./rules/tag-frequency.js";

// rules/tag-name.ts — T1: tag names and the key that makes them unique
export {
  MAX_TAG_NAME_LENGTH,
  normaliseTagName,
  tagKeyOf,
} from "./rules/tag-name.js";

// rules/tag-suggestions.ts — T2: ranking tag suggestions
export {
  MAX_SUGGESTIONS,
  rankSuggestions,
} from "./rules/tag-suggestions.js";

// rules/website-member.ts — L1: bound channels and the website member id
export {
  boundChannels,
  websiteMemberOf,
} from "./rules/website-member.js";

// schemas/operations.ts — the input of every operation, validated at the edge
export {
  ChangeStateInput,
  ConversationsListInput,
  DeleteConversationInput,
  EventsListInput,
  ExportConversationInput,
  ExportFileFormat,
  IdentityRef,
  IngestIdentityBoundInput,
  IngestMemberLoginInput,
  IngestMessageInput,
  IngestOmoBindingInput,
  IngestOrdersInput,
  IngestPageClosedInput,
  IngestPageVisitInput,
  IngestTagInput,
  MembersListInput,
  OmoUnbindInput,
  PanelGetInput,
  PanelOnChangeInput,
  ProfileUpdateInput,
  SearchConversationsInput,
  SetPanelHiddenInput,
  SetStatusInput,
  TagReportInput,
  TagsApplyInput,
  TagsFrequencyInput,
  TagsRemoveInput,
  TagsSuggestInput,
} from "./schemas/operations.js";

// schemas/outputs.ts — the output of every procedure (strict: the contract test parses real answers)
export {
  ChangeStateOutput,
  ConversationEventOutput,
  ConversationsListOutput,
  DeleteConversationOutput,
  EventsListOutput,
  ExportConversationOutput,
  IngestIdentityBoundOutput,
  IngestMemberLoginOutput,
  IngestMessageOutput,
  IngestOmoBindingOutput,
  IngestOrdersOutput,
  IngestPresenceOutput,
  MembersListOutput,
  OmoUnbindOutput,
  PanelChangeOutput,
  PanelGetOutput,
  ProfileUpdateOutput,
  SearchConversationsOutput,
  SetPanelHiddenOutput,
  SetStatusOutput,
  TagApplyOutput,
  TagReportOutput,
  TagsFrequencyOutput,
  TagsRemoveOutput,
  TagsSuggestOutput,
} from "./schemas/outputs.js";
// schemas/parse-input.ts — zod issues as domain validation errors
export { fieldIssuesOf, parseInput } from "./schemas/parse-input.js";
// schemas/procedures.ts — every procedure with its kind, caller and schemas
export {
  PROCEDURES,
  type ProcedureContract,
  type ProcedureKind,
  type ProcedurePath,
} from "./schemas/procedures.js";
// use-cases/conversations.ts
export {
  type ChangeStateCommand,
  changeConversationState,
  deleteConversation,
  listEvents,
  searchConversations,
  setConversationStatus,
  updateConversation,
} from "./use-cases/conversations.js";
// use-cases/exports.ts
export {
  deliverEmailExport,
  exportConversationCsv,
  exportConversationXlsx,
  recordExportCompleted,
  requestEmailExport,
  sendEmailExport,
} from "./use-cases/exports.js";
// use-cases/ingest.ts
export {
  type IngestIdentityRef,
  ingestIdentityBound,
  ingestMessage,
  ingestOmoBinding,
  ingestOrders,
  ingestPageClosed,
  ingestPageVisit,
  recordPresence,
  storeMessage,
} from "./use-cases/ingest.js";
// use-cases/navigation.ts
export { listConversations, listMembers } from "./use-cases/navigation.js";
// use-cases/omo.ts
export { unbindOmo } from "./use-cases/omo.js";
// use-cases/panel.ts
export { getPanel, type PanelCommerce, type PanelView, setPanelHidden } from "./use-cases/panel.js";
// use-cases/profile.ts
export {
  editProfile,
  fillMemberIdOf,
  ingestMemberLogin,
  updateProfile,
} from "./use-cases/profile.js";
// use-cases/tag-reports.ts
export {
  type CsvDownload,
  tagReportRecords,
  tagReportRecordsXlsx,
  tagReportStats,
  tagReportStatsXlsx,
  type XlsxDownload,
} from "./use-cases/tag-reports.js";
// use-cases/tags.ts
export {
  applyTag,
  applyTagRequest,
  ingestTag,
  removeTag,
  removeTagFrom,
  suggestTags,
  tagFrequency,
} from "./use-cases/tags.js";
// xlsx/xlsx-package.ts — the media type of an XLSX file
export { XLSX_CONTENT_TYPE } from "./xlsx/xlsx-package.js";
