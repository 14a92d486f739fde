import { Effect, Layer } from "effect";
import {
  type AppliedTag,
  type LockedTagApplication,
  type TagApplyRequest,
  type TagRecordRow,
  TagReports,
  type TagStatsRow,
  Tags,
} from "../../../src/adapter.js";
import {
  countTagFrequency,
  type InstantRange,
  NotFound,
  type SuggestionCandidate,
  type Tag,
  type TeamId,
} from "../../../src/index.js";
import { inRange } from "../../../src/rules/tag-frequency.js";
import { conversationIn, customerIn } from "./lookups.js";
import { type InMemoryState, key } from "./state.js";

/** T3: the team's tag with this key, created with the name first typed when there is none. */
const findOrCreateTag = (state: InMemoryState, request: TagApplyRequest): Tag => {
  for (const tag of state.tags.values()) {
    if (tag.teamId === request.teamId && tag.key === request.tag.key) return tag;
  }
  const tag: Tag = {
    id: request.newTagId,
    teamId: request.teamId,
    name: request.tag.name,
    key: request.tag.key,
  };
  state.tags.set(tag.id, tag);
  return tag;
};

/** T3/X2: the checks, the tag found or created, and the customer's count of it. */
const lockApplication = (
  state: InMemoryState,
  request: TagApplyRequest,
): Effect.Effect<LockedTagApplication, NotFound> => {
  const customer = customerIn(state, request.teamId, request.customerId);
  if (customer === undefined) return Effect.fail(NotFound.of("customer"));
  const conversation =
    request.conversationId === null
      ? null
      : conversationIn(state, request.teamId, request.conversationId);
  if (conversation === undefined || (conversation && conversation.customerId !== customer.id)) {
    return Effect.fail(NotFound.of("conversation"));
  }
  const tag = findOrCreateTag(state, request);
  return Effect.succeed({
    tag,
    count: state.customerTags.get(key(customer.id, tag.id)) ?? 0,
    channel: conversation?.channel ?? null,
  });
};

/** T7/T8: the application row, the new count, and the key's first answer. */
const recordApplication = (
  state: InMemoryState,
  request: TagApplyRequest,
  applied: AppliedTag,
): void => {
  state.applications.push({
    id: applied.applicationId,
    teamId: request.teamId,
    customerId: request.customerId,
    tagId: applied.tag.id,
    appliedAt: applied.appliedAt,
    channel: applied.channel,
    conversationId: request.conversationId,
    method: request.method,
    memberId: request.author.memberId,
  });
  state.customerTags.set(key(request.customerId, applied.tag.id), applied.count);
  if (request.idempotencyKey !== null) {
    state.idempotency.set(key(request.teamId, request.idempotencyKey), {
      fingerprint: request.fingerprint,
      result: applied,
    });
  }
};

const teamTag = (state: InMemoryState, teamId: TeamId, tagId: Tag["id"]): Tag | undefined => {
  const tag = state.tags.get(tagId);
  return tag?.teamId === teamId ? tag : undefined;
};

// Ordered like rankSuggestions: prefix matches first, most used first, then key and id.
const bySuggestionRank =
  (queryKey: string) =>
  (a: SuggestionCandidate, b: SuggestionCandidate): number => {
    const group = (c: SuggestionCandidate) => (c.key.startsWith(queryKey) ? 0 : 1);
    return (
      group(a) - group(b) ||
      b.uses - a.uses ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      (a.tagId < b.tagId ? -1 : a.tagId > b.tagId ? 1 : 0)
    );
  };

async function* statsRows(
  state: InMemoryState,
  teamId: TeamId,
  range: InstantRange,
): AsyncGenerator<TagStatsRow> {
  const byTag = new Map<Tag["id"], { applications: number; customers: Set<string> }>();
  for (const a of state.applications) {
    if (a.teamId !== teamId || !inRange(a.appliedAt, range)) continue;
    const seen = byTag.get(a.tagId) ?? { applications: 0, customers: new Set<string>() };
    seen.applications += 1;
    seen.customers.add(a.customerId);
    byTag.set(a.tagId, seen);
  }
  const rows = [...byTag.entries()].map(([tagId, v]) => ({
    tagName: state.tags.get(tagId)?.name ?? "",
    applications: v.applications,
    customers: v.customers.size,
  }));
  rows.sort(
    (a, b) =>
      b.applications - a.applications ||
      (a.tagName < b.tagName ? -1 : a.tagName > b.tagName ? 1 : 0),
  );
  yield* rows;
}

async function* recordRows(
  state: InMemoryState,
  teamId: TeamId,
  range: InstantRange,
): AsyncGenerator<readonly TagRecordRow[]> {
  const inWindow = state.applications
    .map((a, index) => ({ a, index }))
    .filter(({ a }) => a.teamId === teamId && inRange(a.appliedAt, range))
    .sort((x, y) => x.a.appliedAt.getTime() - y.a.appliedAt.getTime() || x.index - y.index);
  for (const { a } of inWindow) {
    const member = a.memberId === null ? undefined : state.members.get(a.memberId);
    // One row a batch: the smallest batches a port may send.
    yield [
      {
        appliedAt: a.appliedAt,
        customerId: a.customerId,
        customerName: state.customers.get(a.customerId)?.displayName ?? "",
        tagName: state.tags.get(a.tagId)?.name ?? "",
        channel: a.channel,
        method: a.method,
        memberName: member?.name ?? null,
      },
    ];
  }
}

/** Tags and TagReports over the in-memory state. */
export const tagsLayer = (state: InMemoryState) =>
  Layer.merge(
    Layer.succeed(Tags, {
      rememberedApplication: (teamId, idempotencyKey) =>
        Effect.sync(() => {
          const earlier = state.idempotency.get(key(teamId, idempotencyKey));
          return earlier === undefined
            ? null
            : { fingerprint: earlier.fingerprint, answer: earlier.result };
        }),
      lockApplication: (request) => Effect.suspend(() => lockApplication(state, request)),
      recordApplication: (request, applied) =>
        Effect.sync(() => recordApplication(state, request, applied)),
      lockRemoval: (teamId, customerId, tagId) =>
        Effect.suspend(() => {
          const customer = customerIn(state, teamId, customerId);
          if (customer === undefined) return Effect.fail(NotFound.of("customer"));
          const tag = teamTag(state, teamId, tagId);
          if (tag === undefined) return Effect.fail(NotFound.of("tag"));
          return Effect.succeed({
            tag,
            count: state.customerTags.get(key(customer.id, tag.id)) ?? 0,
          });
        }),
      recordRemoval: (_teamId, customerId, tagId) =>
        Effect.sync(() => {
          state.customerTags.set(key(customerId, tagId), 0);
        }),
      suggest: (teamId, queryKey, limit) =>
        Effect.sync(() => {
          const uses = new Map<Tag["id"], number>();
          for (const a of state.applications) {
            if (a.teamId === teamId) uses.set(a.tagId, (uses.get(a.tagId) ?? 0) + 1);
          }
          return [...state.tags.values()]
            .filter((t) => t.teamId === teamId && t.key.includes(queryKey))
            .map((t) => ({ tagId: t.id, name: t.name, key: t.key, uses: uses.get(t.id) ?? 0 }))
            .sort(bySuggestionRank(queryKey))
            .slice(0, Math.max(0, limit));
        }),
      frequency: (teamId, customerId, range) =>
        Effect.suspend(() => {
          const customer = customerIn(state, teamId, customerId);
          if (customer === undefined) return Effect.fail(NotFound.of("customer"));
          const applications = state.applications
            .filter((a) => a.teamId === teamId && a.customerId === customer.id)
            .map((a) => ({
              tagId: a.tagId,
              name: state.tags.get(a.tagId)?.name ?? "",
              appliedAt: a.appliedAt,
            }));
          return Effect.succeed(countTagFrequency(applications, range));
        }),
    }),
    Layer.succeed(TagReports, {
      stats: (teamId, range) => statsRows(state, teamId, range),
      records: (teamId, range) => recordRows(state, teamId, range),
    }),
  );
