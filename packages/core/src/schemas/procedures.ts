import type { z } from "zod";
import {
  ChangeStateInput,
  ConversationsListInput,
  DeleteConversationInput,
  EventsListInput,
  ExportConversationInput,
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
} from "./operations.js";
import {
  ChangeStateOutput,
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
} from "./outputs.js";

/** How a procedure is called: GET query, POST mutation, or SSE subscription. */
export type ProcedureKind = "query" | "mutation" | "subscription";

/** One procedure of the wire contract: who calls it, how, with what, answering what. */
export interface ProcedureContract {
  readonly kind: ProcedureKind;
  /** `member`: a member's bearer token; `integration`: a team's API key (client `api`). */
  readonly caller: "member" | "integration";
  readonly input: z.ZodType;
  /** For a subscription, one event's data. */
  readonly output: z.ZodType;
}

const member = (kind: ProcedureKind, input: z.ZodType, output: z.ZodType): ProcedureContract => ({
  kind,
  caller: "member",
  input,
  output,
});
const ingest = (input: z.ZodType, output: z.ZodType): ProcedureContract => ({
  kind: "mutation",
  caller: "integration",
  input,
  output,
});

/**
 * Every public procedure (docs/spec.md, "Public surface") with its input and output schema:
 * the single list the router is checked against, the JSON Schemas are generated from and
 * docs/api.md's field tables are rendered from.
 */
export const PROCEDURES = {
  "panel.get": member("query", PanelGetInput, PanelGetOutput),
  "panel.onChange": member("subscription", PanelOnChangeInput, PanelChangeOutput),
  "profile.update": member("mutation", ProfileUpdateInput, ProfileUpdateOutput),
  "preferences.setPanelHidden": member("mutation", SetPanelHiddenInput, SetPanelHiddenOutput),
  "events.list": member("query", EventsListInput, EventsListOutput),
  "tags.suggest": member("query", TagsSuggestInput, TagsSuggestOutput),
  "tags.apply": member("mutation", TagsApplyInput, TagApplyOutput),
  "tags.remove": member("mutation", TagsRemoveInput, TagsRemoveOutput),
  "tags.frequency": member("query", TagsFrequencyInput, TagsFrequencyOutput),
  "tagReports.stats": member("query", TagReportInput, TagReportOutput),
  "tagReports.records": member("query", TagReportInput, TagReportOutput),
  "conversations.setStatus": member("mutation", SetStatusInput, SetStatusOutput),
  "conversations.changeState": member("mutation", ChangeStateInput, ChangeStateOutput),
  "conversations.export": member("mutation", ExportConversationInput, ExportConversationOutput),
  "conversations.delete": member("mutation", DeleteConversationInput, DeleteConversationOutput),
  "conversations.search": member("query", SearchConversationsInput, SearchConversationsOutput),
  "conversations.list": member("query", ConversationsListInput, ConversationsListOutput),
  "members.list": member("query", MembersListInput, MembersListOutput),
  "omo.unbind": member("mutation", OmoUnbindInput, OmoUnbindOutput),
  "ingest.message": ingest(IngestMessageInput, IngestMessageOutput),
  "ingest.pageVisit": ingest(IngestPageVisitInput, IngestPresenceOutput),
  "ingest.pageClosed": ingest(IngestPageClosedInput, IngestPresenceOutput),
  "ingest.memberLogin": ingest(IngestMemberLoginInput, IngestMemberLoginOutput),
  "ingest.identityBound": ingest(IngestIdentityBoundInput, IngestIdentityBoundOutput),
  "ingest.orders": ingest(IngestOrdersInput, IngestOrdersOutput),
  "ingest.omoBinding": ingest(IngestOmoBindingInput, IngestOmoBindingOutput),
  "ingest.tag": ingest(IngestTagInput, TagApplyOutput),
} as const satisfies Record<string, ProcedureContract>;

/** A public procedure's dotted path, e.g. `tags.apply`. */
export type ProcedurePath = keyof typeof PROCEDURES;
