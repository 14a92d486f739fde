import { randomUUID } from "node:crypto";
import { createPanelClient, type PanelClient } from "@customer-panel/client";
import { type Channel, type Client, ROLES, type Role } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import * as schema from "@customer-panel/db/schema";
import { issueCredential } from "@customer-panel/trpc";
import { eq } from "drizzle-orm";
import {
  CHEN_ORDERS,
  CHEN_WEBSITE_MEMBER,
  type ConversationScript,
  ISLAND_ADMIN,
  ISLAND_CONVERSATIONS,
  ISLAND_ORDERS,
  ISLAND_TEAM,
  ISLAND_WEBSITE_MEMBER,
  type IslandConversationKey,
  type OrderScript,
  SUNNY_CONVERSATIONS,
  SUNNY_MEMBERS,
  SUNNY_TEAM,
  type SunnyConversationKey,
  TAG_HISTORY,
  WANG_CART,
  WANG_ORDERS,
  WANG_WEBSITE_MEMBER,
} from "./seed-data.js";
import { daysAgo } from "./team-calendar.js";

/** A member with a bearer token for one client. */
export interface DemoMember {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly client: Client;
  readonly token: string;
}

/** A conversation the integration opened by sending its first message. */
export interface SeededConversation {
  readonly conversationId: string;
  readonly customerId: string;
  readonly channel: Channel;
  readonly externalUserId: string;
  readonly customerName: string;
}

/** Everything the seed made that a client needs: ids and secrets (shown once, stored hashed). */
export interface DemoWorld {
  readonly sunny: {
    readonly teamId: string;
    readonly name: string;
    /** One `web` member per role. */
    readonly members: { readonly [R in Role]: DemoMember };
    /** The admin again, signed in from the mobile `app` client. */
    readonly appAdmin: DemoMember;
    readonly integrationKey: string;
    readonly conversations: { readonly [K in SunnyConversationKey]: SeededConversation };
  };
  readonly island: {
    readonly teamId: string;
    readonly name: string;
    readonly admin: DemoMember;
    readonly integrationKey: string;
    readonly conversations: { readonly [K in IslandConversationKey]: SeededConversation };
  };
}

/** True when the database already holds a team (a persisted demo is seeded once). */
export const hasTeams = async (database: Database): Promise<boolean> =>
  (await database.db.select({ id: schema.teams.id }).from(schema.teams).limit(1)).length > 0;

// Teams, members and credentials have no API (they belong to the host's admin side), so
// they are inserted; everything a customer or integration does goes through the router.
const insertTeam = async (
  database: Database,
  team: { readonly name: string; readonly timeZone: string },
  features: { readonly pixel: boolean; readonly omo: boolean; readonly export: boolean },
): Promise<string> => {
  const id = randomUUID();
  await database.db.insert(schema.teams).values({
    id,
    name: team.name,
    timeZone: team.timeZone,
    featurePixel: features.pixel,
    featureOmo: features.omo,
    featureConversationExport: features.export,
  });
  return id;
};

const insertMember = async (
  database: Database,
  teamId: string,
  role: Role,
  name: string,
  client: Client = "web",
  existingId?: string,
): Promise<DemoMember> => {
  const id = existingId ?? randomUUID();
  if (existingId === undefined) {
    await database.db.insert(schema.members).values({ id, teamId, name, role });
  }
  const credential = await issueCredential(database.db, {
    teamId,
    kind: "member",
    memberId: id,
    client,
    label: `demo ${role} (${client})`,
  });
  return { id, name, role, client, token: credential.secret };
};

const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

/** Sends a conversation's lines through `ingest.message`, as the channel integration would. */
const playConversation = async (
  integration: PanelClient,
  script: ConversationScript,
  agentId: string,
  now: Date,
): Promise<SeededConversation> => {
  let first: { conversationId: string; customerId: string } | null = null;
  for (const line of script.lines) {
    const stored = await integration.ingest.message.mutate({
      identity: { channel: script.channel, externalUserId: script.externalUserId },
      sender: line.sender,
      content: line.content,
      sentAt: minutesBefore(now, line.minutesAgo),
      displayName: script.displayName,
      ...(script.waId !== undefined && { waId: script.waId }),
      ...(line.sender === "agent" && { agentId }),
    });
    first ??= stored;
  }
  if (first === null) throw new Error(`the ${script.displayName} script has no lines`);
  return {
    conversationId: first.conversationId,
    customerId: first.customerId,
    channel: script.channel,
    externalUserId: script.externalUserId,
    customerName: script.displayName,
  };
};

const playAll = async <K extends string>(
  integration: PanelClient,
  scripts: { readonly [P in K]: ConversationScript },
  agentId: string,
  now: Date,
): Promise<{ [P in K]: SeededConversation }> => {
  const played = {} as { [P in K]: SeededConversation };
  for (const key of Object.keys(scripts) as K[]) {
    played[key] = await playConversation(integration, scripts[key], agentId, now);
  }
  return played;
};

const ordersInput = (orders: readonly OrderScript[], now: Date) =>
  orders.map((o) => ({
    orderId: o.orderId,
    placedAt: daysAgo(o.daysAgo, now),
    currency: "TWD",
    total: o.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
    items: [...o.items],
  }));

/**
 * Several weeks of tags, applied the way they happen: bots and broadcasts through
 * `ingest.tag`, members through `tags.apply` (confirming repeats, T4).
 *
 * The API stamps every application with the current time, so history can not be made
 * in the past through it. Each application older than today is therefore made through
 * the API (counts, popularity and channel stay exactly as the product keeps them) and
 * then only its `applied_at` is moved back with one direct UPDATE of `tag_applications`
 * — the one direct write of the seed besides teams, members and credentials.
 */
const seedTagHistory = async (
  database: Database,
  integration: PanelClient,
  members: { readonly [R in Role]: DemoMember },
  baseUrl: string,
  conversations: { readonly [K in SunnyConversationKey]: SeededConversation },
  now: Date,
) => {
  for (const entry of TAG_HISTORY) {
    const { customerId, conversationId } = conversations[entry.customer];
    const result =
      typeof entry.method === "string"
        ? await integration.ingest.tag.mutate({
            customerId,
            conversationId,
            name: entry.tag,
            method: entry.method,
          })
        : await createPanelClient({
            url: baseUrl,
            token: members[entry.method.member].token,
          }).tags.apply.mutate({ customerId, conversationId, name: entry.tag, confirm: true });
    if (result.kind !== "applied") throw new Error(`seeding ${entry.tag} was not applied`);
    if (entry.daysAgo > 0) {
      await database.db
        .update(schema.tagApplications)
        .set({ appliedAt: daysAgo(entry.daysAgo, now) })
        .where(eq(schema.tagApplications.id, result.applicationId));
    }
  }
};

/**
 * Seeds the demo through a running server at `baseUrl` over `database`: 晴空選物 (every
 * plan feature, Asia/Taipei, one member per role, LINE, Facebook, Instagram, WhatsApp and
 * webchat conversations, bindings, orders, OMO, weeks of tags) and 小島咖啡 (no pixel).
 */
export const seedDemo = async (
  database: Database,
  baseUrl: string,
  now: Date = new Date(),
): Promise<DemoWorld> => {
  const sunnyId = await insertTeam(database, SUNNY_TEAM, { pixel: true, omo: true, export: true });
  const members = {} as { [R in Role]: DemoMember };
  for (const role of ROLES) {
    members[role] = await insertMember(database, sunnyId, role, SUNNY_MEMBERS[role]);
  }
  const appAdmin = await insertMember(
    database,
    sunnyId,
    "admin",
    members.admin.name,
    "app",
    members.admin.id,
  );
  const sunnyKey = await issueCredential(database.db, {
    teamId: sunnyId,
    kind: "integration",
    label: "demo channel integration",
  });
  const sunny = createPanelClient({ url: baseUrl, apiKey: sunnyKey.secret });
  const conversations = await playAll(sunny, SUNNY_CONVERSATIONS, members.cs_agent.id, now);

  // 王小明: the pixel saw him log in on the website; his LINE and Facebook completed binding.
  await sunny.ingest.memberLogin.mutate({
    visitorId: SUNNY_CONVERSATIONS.wangWebchat.externalUserId,
    websiteMemberId: WANG_WEBSITE_MEMBER,
  });
  for (const key of ["wangLine", "wangFacebook"] as const) {
    await sunny.ingest.identityBound.mutate({
      identity: {
        channel: conversations[key].channel,
        externalUserId: conversations[key].externalUserId,
      },
      websiteMemberId: WANG_WEBSITE_MEMBER,
    });
  }
  await sunny.ingest.orders.mutate({
    websiteMemberId: WANG_WEBSITE_MEMBER,
    orders: ordersInput(WANG_ORDERS, now),
    cart: { currency: "TWD", items: [...WANG_CART] },
  });
  await sunny.ingest.orders.mutate({
    websiteMemberId: CHEN_WEBSITE_MEMBER,
    orders: ordersInput(CHEN_ORDERS, now),
  });
  // OMO memberships on the two channels that show them (O1).
  await sunny.ingest.omoBinding.mutate({
    identity: { channel: "line", externalUserId: conversations.wangLine.externalUserId },
    omoMemberId: "OMO-TW-000123",
  });
  await sunny.ingest.omoBinding.mutate({
    identity: { channel: "whatsapp", externalUserId: conversations.linWhatsapp.externalUserId },
    omoMemberId: "OMO-TW-000456",
  });
  await seedTagHistory(database, sunny, members, baseUrl, conversations, now);

  const islandId = await insertTeam(database, ISLAND_TEAM, {
    pixel: false,
    omo: false,
    export: false,
  });
  const islandAdmin = await insertMember(database, islandId, "admin", ISLAND_ADMIN);
  const islandKey = await issueCredential(database.db, {
    teamId: islandId,
    kind: "integration",
    label: "demo channel integration",
  });
  const island = createPanelClient({ url: baseUrl, apiKey: islandKey.secret });
  const islandConversations = await playAll(island, ISLAND_CONVERSATIONS, islandAdmin.id, now);
  await island.ingest.identityBound.mutate({
    identity: { channel: "line", externalUserId: islandConversations.line.externalUserId },
    websiteMemberId: ISLAND_WEBSITE_MEMBER,
  });
  await island.ingest.orders.mutate({
    websiteMemberId: ISLAND_WEBSITE_MEMBER,
    orders: ordersInput(ISLAND_ORDERS, now),
  });

  return {
    sunny: {
      teamId: sunnyId,
      name: SUNNY_TEAM.name,
      members,
      appAdmin,
      integrationKey: sunnyKey.secret,
      conversations,
    },
    island: {
      teamId: islandId,
      name: ISLAND_TEAM.name,
      admin: islandAdmin,
      integrationKey: islandKey.secret,
      conversations: islandConversations,
    },
  };
};
