import type { Role } from "@customer-panel/core";
import { ROLES } from "@customer-panel/core";
import type { CsvEmail } from "@customer-panel/core/adapter";
import type { Database } from "@customer-panel/db";
import type { EngineHandle } from "@customer-panel/db/testing";
import { seedMember, seedTeam, type TeamSeed } from "@customer-panel/db/testing";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { Effect } from "effect";
import { EventSource } from "eventsource";
import superjson from "superjson";
import {
  type AppRouter,
  attachmentBytes,
  authenticateWithCredentials,
  type ChangeStream,
  createPanelServices,
  type DownloadOutcome,
  type DownloadRouteOptions,
  downloadRoute,
  issueCredential,
  type MailerService,
  type PanelServerOptions,
  type PanelServiceParts,
  type PanelServices,
  startPanelServer,
  TRPC_PATH,
  type TrackedChange,
} from "../src/index.js";

/**
 * Starts the real HTTP server (tRPC + downloads) on 127.0.0.1:0 over one test database,
 * and builds @trpc/client clients for it. It seeds nothing: see {@link seedWorld}.
 */

/** An email the in-memory mailer kept, its attachment read to text. */
export interface KeptEmail {
  readonly to: string;
  readonly subject: string;
  readonly fileName: string;
  /** The CSV attachment's text ("" for an XLSX one). */
  readonly csv: string;
  /** The attachment's bytes (a CSV's UTF-8, or the XLSX file). */
  readonly bytes: Buffer;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Default: an in-memory mailer that keeps every email in `server.mail`. */
  readonly mailer?: MailerService;
  /** The export limit per team (default: 1 000 per minute — out of the way). */
  readonly exportLimiter?: { readonly limit?: number; readonly windowMs?: number };
  /** Bounds and stall timeout of the download route (default: the route's defaults). */
  readonly downloadRoute?: Pick<
    DownloadRouteOptions,
    "maxConcurrent" | "maxPerTeam" | "stallTimeoutMs"
  >;
  /** Default: a stream that never yields (live tests pass a real one). */
  readonly changes?: ChangeStream;
  readonly maxBodySize?: number;
  readonly maxBatchSize?: number;
  readonly downloadTtlMs?: number;
  /** D: answers carry the stack of unexpected errors (default off). */
  readonly exposeErrorDetails?: boolean;
  /** Issue 17: the read replica reports and exports read from, and how long they wait for it. */
  readonly readReplica?: Pick<PanelServiceParts, "readDatabase" | "replicaReads">;
  /** The server's observation hooks (logs, metrics). */
  readonly observe?: Pick<PanelServerOptions, "onRequest" | "onCalls">;
}

/** How a client presents its secret. */
export interface ClientOptions {
  /** `bearer` (default): `Authorization: Bearer …`; `apiKey`: `X-Api-Key: …`. */
  readonly via?: "bearer" | "apiKey";
}

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly services: PanelServices;
  readonly database: Database;
  /** Unexpected errors the server logged (never shown to clients). */
  readonly errors: unknown[];
  /** Emails the default in-memory mailer kept. */
  readonly mail: KeptEmail[];
  /** Resolves with the outcome of the next download that ends. */
  readonly nextDownloadSettled: () => Promise<DownloadOutcome>;
  /** A typed client; `null` sends no credential. */
  readonly client: (secret: string | null, options?: ClientOptions) => PanelClient;
  /** Closes the server and its connections (the database belongs to its engine handle). */
  readonly close: () => Promise<void>;
}

/** The typed client the harness builds. */
export type PanelClient = ReturnType<typeof createTRPCClient<AppRouter>>;

const noChanges: ChangeStream = {
  subscribe: async function* (): AsyncGenerator<TrackedChange> {
    yield* [];
  },
};

const memoryMailer = (kept: KeptEmail[]): MailerService => ({
  send: (email: CsvEmail) =>
    Effect.promise(async () => {
      const parts: Buffer[] = [];
      for await (const part of attachmentBytes(email.attachment)) parts.push(part);
      const bytes = Buffer.concat(parts);
      kept.push({
        to: email.to,
        subject: email.subject,
        fileName: email.attachment.fileName,
        csv: "workbook" in email.attachment ? "" : bytes.toString("utf8"),
        bytes,
      });
    }),
});

const isHandle = (source: EngineHandle | Database): source is EngineHandle => "fresh" in source;

/** Starts a server over a fresh database of `source` (an engine handle) or over `source` itself. */
export const startTestServer = async (
  source: EngineHandle | Database,
  options: TestServerOptions = {},
): Promise<TestServer> => {
  const database = isHandle(source) ? await source.fresh() : source;
  const mail: KeptEmail[] = [];
  const errors: unknown[] = [];
  const waiting: ((outcome: DownloadOutcome) => void)[] = [];
  const services = createPanelServices({
    database,
    mailer: options.mailer ?? memoryMailer(mail),
    downloads: {
      ...(options.downloadTtlMs !== undefined && { ttlMs: options.downloadTtlMs }),
    },
    exportQuota: { limit: 1_000, ...options.exportLimiter },
    changes: options.changes ?? noChanges,
    ...options.readReplica,
  });
  const server = await startPanelServer({
    services,
    authenticate: authenticateWithCredentials(database),
    routes: [
      downloadRoute(services, {
        ...options.downloadRoute,
        onError: (error) => errors.push(error),
        onSettled: (outcome) => waiting.shift()?.(outcome),
      }),
    ],
    ...(options.maxBodySize !== undefined && { maxBodySize: options.maxBodySize }),
    ...(options.maxBatchSize !== undefined && { maxBatchSize: options.maxBatchSize }),
    ...(options.exposeErrorDetails !== undefined && {
      exposeErrorDetails: options.exposeErrorDetails,
    }),
    ...options.observe,
    onError: (error) => errors.push(error),
  });
  const trpcUrl = `${server.url}${TRPC_PATH}`;

  const client = (secret: string | null, clientOptions: ClientOptions = {}): PanelClient => {
    const headers: Record<string, string> =
      secret === null
        ? {}
        : clientOptions.via === "apiKey"
          ? { "x-api-key": secret }
          : { authorization: `Bearer ${secret}` };
    return createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          // Node 20 has no EventSource; eventsource@4 takes the credential through fetch.
          true: httpSubscriptionLink({
            url: trpcUrl,
            transformer: superjson,
            EventSource,
            eventSourceOptions: {
              fetch: (input, init) =>
                fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
            },
          }),
          false: httpBatchLink({ url: trpcUrl, transformer: superjson, headers }),
        }),
      ],
    });
  };

  return {
    url: server.url,
    services,
    database,
    errors,
    mail,
    nextDownloadSettled: () => new Promise((resolve) => waiting.push(resolve)),
    client,
    close: async () => {
      await server.close();
      await services.runtime.dispose();
    },
  };
};

/** A member with a bearer token. */
export interface SeededMember {
  readonly id: string;
  readonly role: Role;
  readonly credentialId: string;
  readonly secret: string;
}

/** A conversation made by ingesting messages. */
export interface SeededConversation {
  readonly conversationId: string;
  readonly customerId: string;
  readonly externalUserId: string;
}

/** Channels {@link seedWorld} opens a conversation on in team A. */
export type SeededChannel = "line" | "whatsapp" | "webchat" | "facebook";

/** What {@link seedWorld} made. */
export interface World {
  readonly teamA: {
    readonly id: string;
    /** One member per role, each with a `web` token. */
    readonly members: Readonly<Record<Role, SeededMember>>;
    /** The admin again, signed in from the mobile `app` client. */
    readonly appAdmin: SeededMember;
    readonly integration: { readonly id: string; readonly secret: string };
    readonly conversations: Readonly<Record<SeededChannel, SeededConversation>>;
  };
  readonly teamB: {
    readonly id: string;
    readonly admin: SeededMember;
    readonly integration: { readonly id: string; readonly secret: string };
    readonly conversations: { readonly line: SeededConversation };
  };
}

const memberWithToken = async (
  db: Database["db"],
  teamId: string,
  role: Role,
  name: string,
  client: "web" | "app" = "web",
  memberId?: string,
): Promise<SeededMember> => {
  const id = memberId ?? (await seedMember(db, teamId, role, name));
  const credential = await issueCredential(db, { teamId, kind: "member", memberId: id, client });
  return { id, role, credentialId: credential.id, secret: credential.secret };
};

const MEMBER_NAMES: Readonly<Record<Role, string>> = {
  admin: "管理員 Ada",
  supervisor: "主管 Sam",
  cs_manager: "客服經理 Carol",
  cs_agent: "客服 小美",
  sales_manager: "銷售經理 Max",
  sales: "銷售 Sue",
};

/**
 * Team A (every feature; one `web` member per role, the admin again on `app`, an
 * integration key; LINE, WhatsApp, webchat and Facebook conversations) and team B (an
 * admin, an integration key, one LINE conversation). Teams, members and credentials are
 * inserted; conversations are made through `ingest.message` over HTTP.
 */
export const seedWorld = async (
  server: TestServer,
  options: { readonly teamA?: TeamSeed; readonly teamB?: TeamSeed } = {},
): Promise<World> => {
  const { db } = server.database;
  const teamA = await seedTeam(db, { name: "Team A", ...options.teamA });
  const teamB = await seedTeam(db, { name: "Team B", ...options.teamB });
  const members = {} as Record<Role, SeededMember>;
  for (const role of ROLES) {
    members[role] = await memberWithToken(db, teamA, role, MEMBER_NAMES[role]);
  }
  const appAdmin = await memberWithToken(db, teamA, "admin", "", "app", members.admin.id);
  const integrationA = await issueCredential(db, { teamId: teamA, kind: "integration" });
  const adminB = await memberWithToken(db, teamB, "admin", "B 管理員");
  const integrationB = await issueCredential(db, { teamId: teamB, kind: "integration" });

  const ingestA = server.client(integrationA.secret, { via: "apiKey" }).ingest.message;
  const open = async (
    channel: SeededChannel,
    externalUserId: string,
    displayName: string,
    extra: { readonly waId?: string } = {},
  ): Promise<SeededConversation> => {
    const first = await ingestA.mutate({
      identity: { channel, externalUserId },
      sender: "customer",
      content: "你好，我想查詢訂單",
      displayName,
      ...extra,
    });
    await ingestA.mutate({
      identity: { channel, externalUserId },
      sender: "agent",
      agentId: members.cs_agent.id,
      content: "您好，請提供訂單編號，謝謝！",
    });
    await ingestA.mutate({
      identity: { channel, externalUserId },
      sender: "bot",
      content: "感謝您的耐心等候",
    });
    return { conversationId: first.conversationId, customerId: first.customerId, externalUserId };
  };
  const conversations: Record<SeededChannel, SeededConversation> = {
    line: await open("line", "U-line-0001", "陳大文"),
    whatsapp: await open("whatsapp", "886912345678", "林美華", { waId: "886912345678" }),
    webchat: await open("webchat", "visitor-0001", "網站訪客"),
    facebook: await open("facebook", "psid-0001", "張志明"),
  };
  const inB = await server.client(integrationB.secret).ingest.message.mutate({
    identity: { channel: "line", externalUserId: "U-line-b-0001" },
    sender: "customer",
    content: "B 團隊的客戶訊息",
    displayName: "B 客戶",
  });
  return {
    teamA: {
      id: teamA,
      members,
      appAdmin,
      integration: integrationA,
      conversations,
    },
    teamB: {
      id: teamB,
      admin: adminB,
      integration: integrationB,
      conversations: {
        line: {
          conversationId: inB.conversationId,
          customerId: inB.customerId,
          externalUserId: "U-line-b-0001",
        },
      },
    },
  };
};

/** The tRPC error's `data` as the panel's formatter shapes it, for assertions. */
export const errorOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    const e = error as {
      message: string;
      data?: {
        code?: string;
        httpStatus?: number;
        domainCode?: string | null;
        fields?: { field: string; message: string }[];
        stack?: string;
      } | null;
    };
    return { message: e.message, data: e.data ?? null };
  }
  throw new Error("expected the call to fail, but it succeeded");
};
