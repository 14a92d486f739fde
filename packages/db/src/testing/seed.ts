import { randomUUID } from "node:crypto";
import type { Channel, Role } from "@customer-panel/core";
import type { Db } from "../database.js";
import * as t from "../schema.js";

/**
 * Direct inserts for tests: a team, members, and customers each with one identity
 * and one conversation. Everything returns the ids it made.
 */

/** Options of a seeded team. */
export interface TeamSeed {
  readonly name?: string;
  readonly timeZone?: string;
  readonly pixel?: boolean;
  readonly omo?: boolean;
  readonly conversationExport?: boolean;
}

/** Inserts a team (all features on unless told otherwise). */
export const seedTeam = async (db: Db, seed: TeamSeed = {}) => {
  const id = randomUUID();
  await db.insert(t.teams).values({
    id,
    name: seed.name ?? "Team",
    timeZone: seed.timeZone ?? "Asia/Taipei",
    featurePixel: seed.pixel ?? true,
    featureOmo: seed.omo ?? true,
    featureConversationExport: seed.conversationExport ?? true,
  });
  return id;
};

/** Inserts a member of a team. */
export const seedMember = async (db: Db, teamId: string, role: Role, name = `${role} member`) => {
  const id = randomUUID();
  await db.insert(t.members).values({ id, teamId, name, role });
  return id;
};

/** Options of a seeded customer with one identity and its conversation. */
export interface CustomerSeed {
  readonly channel?: Channel;
  readonly externalId?: string;
  readonly displayName?: string;
  readonly waId?: string | null;
  readonly memberId?: string | null;
  readonly websiteMemberId?: string | null;
  readonly boundAt?: Date | null;
  readonly active?: boolean;
  readonly state?: "pending" | "in_progress" | "closed";
  readonly lastMessageAt?: Date | null;
}

/** Inserts a customer, one identity and its conversation. */
export const seedCustomer = async (db: Db, teamId: string, seed: CustomerSeed = {}) => {
  const customerId = randomUUID();
  const identityId = randomUUID();
  const conversationId = randomUUID();
  const channel = seed.channel ?? "line";
  await db.insert(t.customers).values({
    id: customerId,
    teamId,
    displayName: seed.displayName ?? "王小明",
    memberId: seed.memberId ?? null,
  });
  await db.insert(t.identities).values({
    id: identityId,
    teamId,
    customerId,
    channel,
    externalId: seed.externalId ?? `ext-${identityId}`,
    waId: seed.waId ?? null,
    websiteMemberId: seed.websiteMemberId ?? null,
    boundAt: seed.boundAt ?? null,
  });
  await db.insert(t.conversations).values({
    id: conversationId,
    teamId,
    customerId,
    identityId,
    channel,
    active: seed.active ?? true,
    state: seed.state ?? "pending",
    lastMessageAt: seed.lastMessageAt === undefined ? new Date() : seed.lastMessageAt,
  });
  return { customerId, identityId, conversationId };
};

/** Inserts messages into a conversation, one second apart from `start`. */
export const seedMessages = async (
  db: Db,
  teamId: string,
  conversationId: string,
  contents: readonly string[],
  start = new Date("2025-01-01T00:00:00Z"),
) => {
  if (contents.length === 0) return;
  await db.insert(t.messages).values(
    contents.map((content, i) => ({
      id: randomUUID(),
      teamId,
      conversationId,
      sender: i % 2 === 0 ? "customer" : "agent",
      agentName: i % 2 === 0 ? null : "客服 小美",
      content,
      sentAt: new Date(start.getTime() + i * 1000),
    })),
  );
};
