import {
  type Cart,
  type Channel,
  type MemberId,
  type Order,
  type OrderItem,
  type TagId,
  type TeamId,
  websiteMemberOf,
} from "@customer-panel/core";
import type { PanelReader, PanelSnapshot } from "@customer-panel/core/adapter";
import { and, eq, sql } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import {
  conversations,
  customers,
  identities,
  memberPreferences,
  members,
  omoBindings,
  teams,
} from "../schema.js";
import { query, rowsOf } from "../transaction.js";
import { conversationFromRow, conversationIdOf, customerFromRow, identityFromRow } from "./rows.js";

interface IdentityJson {
  id: string;
  teamId: string;
  customerId: string;
  channel: string;
  externalId: string;
  waId: string | null;
  businessScopedId: string | null;
  websiteMemberId: string | null;
  boundAt: string | null;
  createdAt: string;
}

interface CommerceRow {
  bound: {
    conversationId: string;
    channel: string;
    websiteMemberId: string | null;
    lastMessageAt: string | null;
  }[];
  orders: {
    orderId: string;
    websiteMemberId: string;
    placedAt: string;
    currency: string;
    total: number;
    items: OrderItem[];
  }[];
  cart: { websiteMemberId: string; currency: string; items: OrderItem[]; updatedAt: string } | null;
}

const dateOrNull = (s: string | null): Date | null => (s === null ? null : new Date(s));

/**
 * Round trip 1 as a prepared statement: drizzle builds its text once per database (not per
 * call), and PostgreSQL parses and plans it once per connection, then reuses the plan. The
 * join-heavy text cost more to build and plan than to run.
 */
const prepareMain = (db: Db) =>
  db
    .select({
      conversation: conversations,
      identity: identities,
      customer: customers,
      team: teams,
      assigneeName: members.name,
      panelHidden: memberPreferences.panelHidden,
      omoMemberId: omoBindings.omoMemberId,
      omoBoundAt: omoBindings.boundAt,
      identities: sql<IdentityJson[]>`(
        select coalesce(json_agg(json_build_object(
          'id', i2.id, 'teamId', i2.team_id, 'customerId', i2.customer_id,
          'channel', i2.channel, 'externalId', i2.external_id, 'waId', i2.wa_id,
          'businessScopedId', i2.business_scoped_id, 'websiteMemberId', i2.website_member_id,
          'boundAt', i2.bound_at, 'createdAt', i2.created_at
        ) order by i2.created_at, i2.id), '[]'::json)
        from identities i2
        where i2.team_id = ${conversations.teamId} and i2.customer_id = ${conversations.customerId})`,
      tags: sql<{ tagId: string; name: string; count: number }[]>`(
        select coalesce(json_agg(json_build_object('tagId', t2.id, 'name', t2.name, 'count', ct.count)
          order by t2.name), '[]'::json)
        from customer_tags ct join tags t2 on t2.team_id = ct.team_id and t2.id = ct.tag_id
        where ct.team_id = ${conversations.teamId} and ct.customer_id = ${conversations.customerId}
          and ct.count > 0)`,
    })
    .from(conversations)
    .innerJoin(
      identities,
      and(eq(identities.teamId, conversations.teamId), eq(identities.id, conversations.identityId)),
    )
    .innerJoin(
      customers,
      and(eq(customers.teamId, conversations.teamId), eq(customers.id, conversations.customerId)),
    )
    .innerJoin(teams, eq(teams.id, conversations.teamId))
    .leftJoin(
      members,
      and(eq(members.teamId, conversations.teamId), eq(members.id, conversations.assigneeId)),
    )
    .leftJoin(
      memberPreferences,
      and(
        eq(memberPreferences.teamId, conversations.teamId),
        eq(memberPreferences.memberId, sql.placeholder("memberId")),
      ),
    )
    .leftJoin(
      omoBindings,
      and(
        eq(omoBindings.teamId, conversations.teamId),
        eq(omoBindings.customerId, conversations.customerId),
      ),
    )
    .where(
      and(
        eq(conversations.teamId, sql.placeholder("teamId")),
        eq(conversations.id, sql.placeholder("conversationId")),
      ),
    )
    .prepare("panel_reader_main");

/**
 * `panel.get`'s read in two round trips: (1) the conversation with its identity,
 * customer, team, assignee, the reader's preference, the OMO binding, and — as
 * JSON subqueries — all the customer's identities and tags; (2) when the customer
 * has a website member account: bound conversations, orders since the window start
 * and the cart, again as JSON subqueries of one statement.
 */
export const makePanelReader = (db: Db): Context.Tag.Service<typeof PanelReader> => {
  let statement: ReturnType<typeof prepareMain> | undefined;
  return {
    load: (teamId, conversationId, reader) =>
      query(async (): Promise<PanelSnapshot | null> => {
        statement ??= prepareMain(db);
        const [main] = await statement.execute({
          teamId,
          conversationId,
          memberId: reader.memberId,
        });
        if (!main) return null;

        const conversation = conversationFromRow(main.conversation);
        const customer = customerFromRow(main.customer);
        const identity = identityFromRow(main.identity);
        const account = websiteMemberOf(conversation.channel, customer, identity);
        const commerce =
          account === null ? null : await loadCommerce(db, teamId, account, reader.ordersSince);

        return {
          team: {
            id: main.team.id as TeamId,
            name: main.team.name,
            timeZone: main.team.timeZone,
            features: {
              pixel: main.team.featurePixel,
              omo: main.team.featureOmo,
              conversationExport: main.team.featureConversationExport,
            },
          },
          conversation,
          identity,
          customer,
          identities: main.identities.map((i) =>
            identityFromRow({
              ...i,
              boundAt: dateOrNull(i.boundAt),
              createdAt: new Date(i.createdAt),
            }),
          ),
          assignee:
            conversation.assigneeId !== null && main.assigneeName !== null
              ? { id: conversation.assigneeId as MemberId, name: main.assigneeName }
              : null,
          boundConversations: (commerce?.bound ?? []).map((b) => ({
            conversationId: conversationIdOf(b.conversationId),
            channel: b.channel as Channel,
            websiteMemberId: b.websiteMemberId,
            lastMessageAt: dateOrNull(b.lastMessageAt),
          })),
          tags: main.tags.map((t) => ({ tagId: t.tagId as TagId, name: t.name, count: t.count })),
          orders: (commerce?.orders ?? []).map(
            (o): Order => ({
              id: o.orderId,
              customerId: customer.id,
              placedAt: new Date(o.placedAt),
              currency: o.currency,
              total: Number(o.total),
              items: o.items,
              websiteMemberId: o.websiteMemberId,
            }),
          ),
          cart:
            commerce?.cart == null
              ? null
              : ({
                  customerId: customer.id,
                  currency: commerce.cart.currency,
                  items: commerce.cart.items,
                  updatedAt: new Date(commerce.cart.updatedAt),
                  websiteMemberId: commerce.cart.websiteMemberId,
                } satisfies Cart),
          omoBinding:
            main.omoMemberId !== null && main.omoBoundAt !== null
              ? { customerId: customer.id, omoMemberId: main.omoMemberId, boundAt: main.omoBoundAt }
              : null,
          panelHidden: main.panelHidden ?? false,
        };
      }),
  };
};

// Round trip 2: everything keyed by the website member account (L1–L4).
const loadCommerce = async (db: Db, teamId: TeamId, account: string, since: Date) => {
  const [row] = await rowsOf<CommerceRow>(
    db,
    sql`select
      (select coalesce(json_agg(json_build_object(
          'conversationId', c.id, 'channel', c.channel,
          'websiteMemberId', case when c.channel = 'webchat' then cu.member_id else i.website_member_id end,
          'lastMessageAt', c.last_message_at)), '[]'::json)
        from conversations c
        join identities i on i.team_id = c.team_id and i.id = c.identity_id
        join customers cu on cu.team_id = c.team_id and cu.id = c.customer_id
        where c.team_id = ${teamId}
          and ((c.channel <> 'webchat' and i.bound_at is not null and i.website_member_id = ${account})
            or (c.channel = 'webchat' and cu.member_id = ${account}))) as bound,
      (select coalesce(json_agg(json_build_object(
          'orderId', o.order_id, 'websiteMemberId', o.website_member_id, 'placedAt', o.placed_at,
          'currency', o.currency, 'total', o.total, 'items', o.items) order by o.placed_at desc), '[]'::json)
        from orders o
        where o.team_id = ${teamId} and o.website_member_id = ${account}
          and o.placed_at >= ${since.toISOString()}::timestamptz) as orders,
      (select json_build_object('websiteMemberId', ca.website_member_id, 'currency', ca.currency,
          'items', ca.items, 'updatedAt', ca.updated_at)
        from carts ca where ca.team_id = ${teamId} and ca.website_member_id = ${account}) as cart`,
  );
  return row ?? null;
};
