import { randomUUID } from "node:crypto";
import type { PanelClient, TestServer } from "../harness.js";
import type { LoadMetrics } from "./soak-metrics.js";

/**
 * The soak's clients. Each is one credential with a closed loop of one kind of work and
 * its own ledger of what the server acknowledged. Whatever a client owns (a customer's
 * profile, a visitor's presence, a conversation's state) only that client changes, one
 * call at a time, so "the last acknowledged value" is well defined; what is shared
 * (tags on hot customers, messages) is counted, not compared.
 */

/** The profile fields a member edits, as the server answered them. */
export interface ProfileFields {
  readonly displayName: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly note: string | null;
}

/** What one client did that the server acknowledged. */
export interface Ledger {
  /** `customerId|tagId` → acknowledged applications (replays not counted). */
  readonly tagApplications: Map<string, number>;
  /** conversationId → acknowledged ingested messages. */
  readonly messages: Map<string, number>;
  /** customerId → the last acknowledged profile. */
  readonly profiles: Map<string, ProfileFields>;
  /** customerId → acknowledged edits (each changes something, so each is audited). */
  readonly profileEdits: Map<string, number>;
  /** conversationId → the last acknowledged presence. */
  readonly presence: Map<string, { online: boolean; pageUrl: string | null }>;
  /** conversationId → the last acknowledged state, status and assignee. */
  readonly conversations: Map<
    string,
    { state: string; active: boolean; assigneeId: string | null }
  >;
  /** Conversations whose CSV export was downloaded to the end. */
  readonly csvExported: Set<string>;
  /** Email exports the server queued. */
  readonly emailExports: Set<string>;
  readonly downloads: { requested: number; completed: number };
  /** Retries with the same idempotency key that the server answered as replays. */
  replays: number;
}

/** A fresh, empty ledger. */
export const emptyLedger = (): Ledger => ({
  tagApplications: new Map(),
  messages: new Map(),
  profiles: new Map(),
  profileEdits: new Map(),
  presence: new Map(),
  conversations: new Map(),
  csvExported: new Set(),
  emailExports: new Set(),
  downloads: { requested: 0, completed: 0 },
  replays: 0,
});

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** A seeded customer with its conversation. */
export interface Seeded {
  readonly customerId: string;
  readonly conversationId: string;
  readonly externalId: string;
}

/** What every client may look at, and what it owns. */
export interface Scope {
  readonly server: TestServer;
  readonly client: PanelClient;
  readonly metrics: LoadMetrics;
  readonly ledger: Ledger;
  /** Customers every tagger and tag integration hits (repeats and races). */
  readonly hot: readonly Seeded[];
  /** Conversations readers and exporters pick from (grows as ingestion creates some). */
  readonly conversations: string[];
  /** What this client alone changes. */
  readonly owned: readonly Seeded[];
  /** Members a conversation may be assigned to. */
  readonly assignees: readonly string[];
  readonly index: number;
  /** The team's calendar day (`YYYY-MM-DD`), for tag reports. */
  readonly today: string;
}

/** One step of a client's loop. */
export type Step = (scope: Scope, n: number) => Promise<void>;

const TAG_NAMES = ["VIP", "回購客", "Soak 熱門", "待追蹤"] as const;
const METHODS = ["auto_reply", "broadcast", "automation", "api", "import"] as const;

const pick = <T>(list: readonly T[], n: number): T => {
  const item = list[n % list.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
};
const random = <T>(list: readonly T[]): T => pick(list, Math.floor(Math.random() * list.length));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = () => `soak-${randomUUID()}`;

/** T3/T4/T8: apply, confirm a repeat, and now and then retry the confirmed request. */
const tagger: Step = async ({ client, metrics, ledger, hot }, n) => {
  const target = random(hot);
  const name = random(TAG_NAMES);
  const first = await metrics.track("tags.apply", () =>
    client.tags.apply.mutate({ customerId: target.customerId, name, idempotencyKey: key() }),
  );
  if (!first.ok) return;
  let applied = first.value;
  if (applied.kind === "confirmation_required") {
    const request = {
      customerId: target.customerId,
      name,
      confirm: true,
      idempotencyKey: key(),
      ...(n % 2 === 0 && { conversationId: target.conversationId }),
    };
    const confirmed = await metrics.track("tags.apply", () => client.tags.apply.mutate(request));
    if (!confirmed.ok) return;
    applied = confirmed.value;
    if (n % 10 === 0 && applied.kind === "applied") {
      // A retried request (same key) answers the first answer again and counts once.
      const retry = await metrics.track("tags.apply", () => client.tags.apply.mutate(request));
      if (!retry.ok) return;
      const again = retry.value;
      if (again.kind !== "applied" || !again.replayed) {
        metrics.fail("tags.apply", "NOT_REPLAYED", JSON.stringify(again));
      } else if (again.applicationId !== applied.applicationId) {
        metrics.fail("tags.apply", "REPLAY_MISMATCH", JSON.stringify(again));
      } else ledger.replays++;
    }
  }
  if (applied.kind !== "applied") {
    metrics.fail("tags.apply", "NOT_APPLIED", JSON.stringify(applied));
    return;
  }
  bump(ledger.tagApplications, `${target.customerId}|${applied.tagId}`);
};

/** T7: an integration's tags count repeats directly. */
const integrationTagger: Step = async ({ client, metrics, ledger, hot }) => {
  const target = random(hot);
  const done = await metrics.track("ingest.tag", () =>
    client.ingest.tag.mutate({
      customerId: target.customerId,
      name: random(TAG_NAMES),
      method: random(METHODS),
      idempotencyKey: key(),
    }),
  );
  if (!done.ok) return;
  if (done.value.kind !== "applied") {
    metrics.fail("ingest.tag", "NOT_APPLIED", JSON.stringify(done.value));
    return;
  }
  bump(ledger.tagApplications, `${target.customerId}|${done.value.tagId}`);
};

/** P1/P2/P6: edits of the client's own customers, one at a time. */
const editor: Step = async ({ client, metrics, ledger, owned, index }, n) => {
  const target = pick(owned, n);
  const stamp = `${index}-${n}`;
  const edit = {
    customerId: target.customerId,
    note: `第 ${stamp} 次備註`,
    ...(n % 2 === 0 && { displayName: `客戶 ${stamp}` }),
    ...(n % 3 === 0 && { email: n % 6 === 0 ? "" : `c${index}.${n}@soak.example` }),
    ...(n % 4 === 0 && { phone: `+8869${String(10_000_000 + index * 100_000 + n).slice(-8)}` }),
  };
  const done = await metrics.track("profile.update", () => client.profile.update.mutate(edit));
  if (!done.ok) return;
  const c = done.value.customer;
  ledger.profiles.set(target.customerId, {
    displayName: c.displayName,
    email: c.email,
    phone: c.phone,
    note: c.note,
  });
  bump(ledger.profileEdits, target.customerId);
};

/** P1, E1, T2, T6: what a member looks at while working. */
const reader: Step = async ({ client, metrics, hot, conversations }, n) => {
  const conversationId = random(conversations);
  const panel = await metrics.track("panel.get", () => client.panel.get.query({ conversationId }));
  if (panel.ok && panel.value.conversation.id !== conversationId) {
    metrics.fail("panel.get", "WRONG_PANEL", conversationId);
  }
  if (n % 3 === 0) {
    await metrics.track("events.list", () => client.events.list.query({ conversationId }));
  }
  if (n % 4 === 0) {
    await metrics.track("tags.suggest", () => client.tags.suggest.query({ query: "v" }));
  }
  if (n % 5 === 0) {
    const customerId = random(hot).customerId;
    await metrics.track("tags.frequency", () => client.tags.frequency.query({ customerId }));
  }
};

/** L5/E2: customers (and now and then the bot) writing in, on conversations made as they go. */
const ingester: Step = async ({ client, metrics, ledger, conversations, index }, n) => {
  const externalUserId = `soak-in-${index}-${n % 6}`;
  const done = await metrics.track("ingest.message", () =>
    client.ingest.message.mutate({
      identity: { channel: n % 2 === 0 ? "line" : "facebook", externalUserId },
      sender: n % 5 === 4 ? "bot" : "customer",
      content: `訊息 ${index}-${n}：請問訂單什麼時候到？`,
      displayName: `來訪客戶 ${index}-${n % 6}`,
    }),
  );
  if (!done.ok) return;
  const { conversationId } = done.value;
  if (done.value.createdConversation) conversations.push(conversationId);
  bump(ledger.messages, conversationId);
};

/** L6: the client's webchat visitors open pages and leave. */
const presence: Step = async ({ client, metrics, ledger, owned }, n) => {
  const visitor = pick(owned, n);
  const visiting = Math.floor(n / owned.length) % 2 === 0;
  const pageUrl = `https://shop.example/p/${n}?ref=soak`;
  const done = visiting
    ? await metrics.track("ingest.pageVisit", () =>
        client.ingest.pageVisit.mutate({
          visitorId: visitor.externalId,
          pageUrl,
          pageTitle: "商品",
        }),
      )
    : await metrics.track("ingest.pageClosed", () =>
        client.ingest.pageClosed.mutate({ visitorId: visitor.externalId }),
      );
  if (!done.ok) return;
  const p = done.value.lastPage;
  ledger.presence.set(done.value.conversationId, {
    online: p.status === "online",
    pageUrl: p.status === "online" ? p.pageUrl : null,
  });
};

/** E2/L5: follow up, assign, close, reopen and block/unblock the client's conversations. */
const stateKeeper: Step = async ({ client, metrics, ledger, owned, assignees }, n) => {
  const { conversationId } = pick(owned, n);
  const now = ledger.conversations.get(conversationId) ?? {
    state: "pending",
    active: true,
    assigneeId: null,
  };
  if (n % 4 === 3) {
    const done = await metrics.track("conversations.setStatus", () =>
      client.conversations.setStatus.mutate({ conversationId, active: !now.active }),
    );
    if (done.ok) ledger.conversations.set(conversationId, { ...now, active: done.value.active });
    return;
  }
  const input =
    now.state === "pending"
      ? ({ conversationId, command: "follow_up" } as const)
      : now.state === "closed"
        ? ({ conversationId, command: "reopen" } as const)
        : n % 2 === 0
          ? ({ conversationId, command: "assign", assigneeId: random(assignees) } as const)
          : ({ conversationId, command: "close" } as const);
  const done = await metrics.track("conversations.changeState", () =>
    client.conversations.changeState.mutate(input),
  );
  if (!done.ok) return;
  ledger.conversations.set(conversationId, {
    ...now,
    state: done.value.state,
    assigneeId: done.value.assigneeId,
  });
};

const download = async (scope: Scope, procedure: string, url: string): Promise<boolean> => {
  const { server, metrics, ledger } = scope;
  scope.ledger.downloads.requested++;
  const got = await metrics.track(`GET ${procedure}`, async () => {
    const res = await fetch(`${server.url}${url}`);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  });
  if (!got.ok) return false;
  const { status, body } = got.value;
  if (status !== 200 || body.subarray(0, 3).toString("hex") !== "efbbbf") {
    metrics.fail(`GET ${procedure}`, `HTTP_${status}`, body.subarray(0, 200).toString());
    return false;
  }
  ledger.downloads.completed++;
  return true;
};

/** L7/R2/R3: CSV exports downloaded through their stored links, paced like a person. */
const csvExporter: Step = async (scope, n) => {
  const { client, metrics, ledger, conversations, today } = scope;
  await pause(200);
  if (n % 4 === 3) {
    const report = await metrics.track("tagReports.records", () =>
      client.tagReports.records.query({ from: today, to: today }),
    );
    if (report.ok) await download(scope, "tagReports.records", report.value.url);
    return;
  }
  const conversationId = random(conversations);
  const link = await metrics.track("conversations.export", () =>
    client.conversations.export.mutate({ conversationId, format: "csv" }),
  );
  if (!link.ok || link.value.format !== "csv") return;
  if (await download(scope, "conversations.export", link.value.url)) {
    ledger.csvExported.add(conversationId);
  }
};

/** L7: email exports queued for the worker, paced like a person. */
const emailExporter: Step = async ({ client, metrics, ledger, conversations, index }, n) => {
  await pause(200);
  const queued = await metrics.track("conversations.export", () =>
    client.conversations.export.mutate({
      conversationId: random(conversations),
      format: "email",
      to: `ops${index}.${n}@soak.example`,
    }),
  );
  if (queued.ok && queued.value.format === "email") ledger.emailExports.add(queued.value.exportId);
};

/** Every kind of client, by name. */
export const STEPS = {
  tagger,
  integrationTagger,
  editor,
  reader,
  ingester,
  presence,
  stateKeeper,
  csvExporter,
  emailExporter,
} as const satisfies Record<string, Step>;

/** A kind of client. */
export type ClientKind = keyof typeof STEPS;

/** Runs `step` in a closed loop until `deadline` (performance.now()). */
export const runClient = async (step: Step, scope: Scope, deadline: number): Promise<number> => {
  let n = 0;
  while (performance.now() < deadline) await step(scope, n++);
  return n;
};
