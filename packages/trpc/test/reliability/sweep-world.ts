import { ROLES, type Role } from "@customer-panel/core";
import { seedMember } from "@customer-panel/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { issueCredential } from "../../src/index.js";
import { type SeededMember, seedWorld, type TestServer, type World } from "../harness.js";

/**
 * The authorisation sweep's world: team A seeded richly through its own credentials
 * (every channel, tags applied, repeated and removed, an edited profile, presence, a
 * pixel member id, identity binding, orders and a cart, OMO, state changes, blocking,
 * email and CSV exports, a preference, a deleted conversation) and team B with a member
 * of every role, an integration key, and a little data of its own to find.
 */

/** One id of each kind that belongs together (a customer, its conversation, its tag, a member). */
export interface Partners {
  readonly conversationId: string;
  readonly customerId: string;
  readonly tagId: string;
  readonly memberId: string;
}

/** An identity as integrations name it. */
export interface IdentityRef {
  readonly channel: "line" | "facebook" | "instagram" | "whatsapp" | "webchat";
  readonly externalUserId: string;
}

/** What the sweep works with. */
export interface SweepWorld {
  readonly world: World;
  readonly teamA: string;
  readonly teamB: string;
  /** A's related ids, to pair with a swept id (customer + its conversation …). */
  readonly partnersA: Partners;
  /** B's own related ids, so the swept id is the only foreign thing in an input. */
  readonly partnersB: Partners;
  /** B's members, one per role, each with a `web` token. */
  readonly membersB: Readonly<Record<Role, SeededMember>>;
  readonly integrationB: string;
  /** B's identity, for an agent message whose agent is the swept id. */
  readonly identityB: IdentityRef;
  /** B's tag name: what B's suggestions, reports and searches must still find. */
  readonly tagNameB: string;
}

const rowsOf = async <T>(server: TestServer, query: SQL): Promise<T[]> => {
  const result = (await server.database.db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
};

const seedTeamA = async (server: TestServer, world: World): Promise<Partners> => {
  const admin = server.client(world.teamA.members.admin.secret);
  const ingest = server.client(world.teamA.integration.secret, { via: "apiKey" }).ingest;
  const { line, whatsapp, webchat, facebook } = world.teamA.conversations;
  const lineRef = { channel: "line", externalUserId: line.externalUserId } as const;
  await ingest.message.mutate({
    identity: { channel: "instagram", externalUserId: "ig-a-0001" },
    sender: "customer",
    content: "IG 上的詢問：訂單",
    displayName: "IG 客戶",
  });
  await ingest.message.mutate({
    identity: { channel: "whatsapp", externalUserId: "bsuid-a-0001" },
    sender: "customer",
    content: "只有 business-scoped id 的 WhatsApp 客戶",
    businessScopedId: "TW.bsuid-a-0001",
  });
  const vip = await admin.tags.apply.mutate({
    customerId: line.customerId,
    conversationId: line.conversationId,
    name: "A 專屬 VIP",
    idempotencyKey: "sweep-a-first-vip",
  });
  await admin.tags.apply.mutate({ customerId: line.customerId, name: "A 專屬 VIP", confirm: true });
  await ingest.tag.mutate({
    customerId: whatsapp.customerId,
    name: "A 自動",
    method: "automation",
  });
  const removed = await admin.tags.apply.mutate({
    customerId: facebook.customerId,
    name: "A 已移除",
  });
  await admin.tags.remove.mutate({ customerId: facebook.customerId, tagId: removed.tagId });
  await admin.profile.update.mutate({
    customerId: line.customerId,
    email: "chen@a-team.example",
    note: "A 的備註",
  });
  await ingest.pageVisit.mutate({
    visitorId: webchat.externalUserId,
    pageUrl: "https://a-shop.example/cart",
    pageTitle: "A 購物車",
  });
  await ingest.memberLogin.mutate({
    visitorId: webchat.externalUserId,
    websiteMemberId: "wm-a-0001",
  });
  await ingest.identityBound.mutate({ identity: lineRef, websiteMemberId: "wm-a-0001" });
  const item = { sku: "SKU-A-1", name: "A 商品", quantity: 1, unitPrice: 1200 };
  await ingest.orders.mutate({
    websiteMemberId: "wm-a-0001",
    orders: [
      { orderId: "A-ORDER-1", placedAt: new Date(), currency: "TWD", total: 1200, items: [item] },
    ],
    cart: { currency: "TWD", items: [item] },
  });
  await ingest.omoBinding.mutate({ identity: lineRef, omoMemberId: "omo-a-0001" });
  await admin.conversations.changeState.mutate({
    conversationId: line.conversationId,
    command: "follow_up",
  });
  await admin.conversations.changeState.mutate({
    conversationId: line.conversationId,
    command: "assign",
    assigneeId: world.teamA.members.cs_agent.id,
  });
  await admin.conversations.setStatus.mutate({
    conversationId: facebook.conversationId,
    active: false,
  });
  await admin.conversations.setStatus.mutate({
    conversationId: facebook.conversationId,
    active: true,
  });
  await admin.conversations.export.mutate({
    conversationId: line.conversationId,
    format: "email",
    to: "boss@a-team.example",
  });
  const csv = await admin.conversations.export.mutate({
    conversationId: whatsapp.conversationId,
    format: "csv",
  });
  if (csv.format !== "csv") throw new Error("expected a CSV link");
  const settled = server.nextDownloadSettled();
  await (await fetch(`${server.url}${csv.url}`)).arrayBuffer();
  await settled;
  await admin.preferences.setPanelHidden.mutate({ hidden: true });
  const doomed = await ingest.message.mutate({
    identity: { channel: "line", externalUserId: "U-line-a-doomed" },
    sender: "customer",
    content: "請刪除我的對話",
  });
  await admin.conversations.delete.mutate({ conversationId: doomed.conversationId });
  return {
    conversationId: line.conversationId,
    customerId: line.customerId,
    tagId: vip.tagId,
    memberId: world.teamA.members.cs_agent.id,
  };
};

/** Seeds both teams; B's members have their panel preference stored (so setting it is a no-op). */
export const seedSweepWorld = async (server: TestServer): Promise<SweepWorld> => {
  const world = await seedWorld(server);
  const partnersA = await seedTeamA(server, world);
  const { db } = server.database;
  const teamB = world.teamB.id;
  const membersB = { admin: world.teamB.admin } as Record<Role, SeededMember>;
  for (const role of ROLES.filter((r) => r !== "admin")) {
    const id = await seedMember(db, teamB, role, `B ${role}`);
    const issued = await issueCredential(db, {
      teamId: teamB,
      kind: "member",
      memberId: id,
      client: "web",
    });
    membersB[role] = { id, role, credentialId: issued.id, secret: issued.secret };
  }
  for (const role of ROLES) {
    await server.client(membersB[role].secret).preferences.setPanelHidden.mutate({ hidden: false });
  }
  const line = world.teamB.conversations.line;
  const adminB = server.client(world.teamB.admin.secret);
  const tagNameB = "B 標籤";
  const tagged = await adminB.tags.apply.mutate({
    customerId: line.customerId,
    conversationId: line.conversationId,
    name: tagNameB,
  });
  const identityB = { channel: "line", externalUserId: line.externalUserId } as const;
  await server.client(world.teamB.integration.secret).ingest.message.mutate({
    identity: identityB,
    sender: "customer",
    content: "B 的訂單什麼時候到？",
  });
  return {
    world,
    teamA: world.teamA.id,
    teamB,
    partnersA,
    partnersB: {
      conversationId: line.conversationId,
      customerId: line.customerId,
      tagId: tagged.tagId,
      memberId: membersB.cs_agent.id,
    },
    membersB,
    integrationB: world.teamB.integration.secret,
    identityB,
    tagNameB,
  };
};

/**
 * Every uuid of team A, read from the database: every uuid column of every row of every
 * table that is A's (`team_id` = A, or the team row itself). A table with neither is an
 * error, so a new table is covered or noticed.
 */
export const uuidsOfTeam = async (server: TestServer, teamId: string): Promise<string[]> => {
  const columns = await rowsOf<{ table: string; column: string; type: string }>(
    server,
    sql`select table_name as "table", column_name as "column", data_type as type from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`,
  );
  const tables = new Map<string, { uuids: string[]; hasTeam: boolean }>();
  for (const c of columns) {
    const t = tables.get(c.table) ?? { uuids: [], hasTeam: false };
    if (c.type === "uuid") t.uuids.push(c.column);
    if (c.column === "team_id") t.hasTeam = true;
    tables.set(c.table, t);
  }
  const ids = new Set<string>();
  for (const [table, { uuids, hasTeam }] of tables) {
    if (table === "__drizzle_migrations" || uuids.length === 0) continue;
    const owner = table === "teams" ? "id" : hasTeam ? "team_id" : null;
    if (owner === null) throw new Error(`table ${table} has no team_id: extend the sweep`);
    for (const column of uuids) {
      const found = await rowsOf<{ v: string | null }>(
        server,
        sql`select ${sql.identifier(column)}::text as v from ${sql.identifier(table)} where ${sql.identifier(owner)} = ${teamId}::uuid`,
      );
      for (const { v } of found) if (v !== null) ids.add(v);
    }
  }
  return [...ids].sort();
};

/** A's channel accounts and website member ids: the names integrations use instead of uuids. */
export const externalIdsOfTeam = async (server: TestServer, teamId: string) => {
  const identities = await rowsOf<IdentityRef>(
    server,
    sql`select channel, external_id as "externalUserId" from identities where team_id = ${teamId}::uuid order by 1, 2`,
  );
  const members = await rowsOf<{ v: string }>(
    server,
    sql`select website_member_id as v from identities where team_id = ${teamId}::uuid and website_member_id is not null
        union select website_member_id from orders where team_id = ${teamId}::uuid
        union select member_id from customers where team_id = ${teamId}::uuid and member_id is not null`,
  );
  return { identities, websiteMemberIds: members.map((m) => m.v) };
};
