import {
  applyTag,
  type ConversationId,
  type CustomerId,
  deleteConversation,
  type IntegrationActor,
  ingestMessage,
  type MemberActor,
  type MemberId,
  normaliseTagName,
  removeTag,
  setConversationStatus,
  type TagId,
  type TeamId,
  updateProfile,
} from "@customer-panel/core";
import { and, count, eq } from "drizzle-orm";
import { Effect, Either, Exit, type Layer } from "effect";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database.js";
import { type DatabasePorts, databaseLayer } from "../src/layer.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";

/**
 * Model-based test (fast-check `fc.commands` + `asyncModelRun`): random sequences
 * of profile edits, tag apply/confirm/remove (T3–T5), block/unblock (L5), inbound
 * messages and deletes (L9) go through core's use cases on the real database; after
 * every step the database agrees with this much simpler model.
 */

const CUSTOMERS = 2;
const TAG_NAMES = ["VIP", "vip", "回購", "Ｖｉｐ"] as const;

interface Model {
  names: string[];
  /** count per `customer|tagKey` since the last removal */
  counts: Map<string, number>;
  active: boolean[];
  messages: number[];
  deleted: boolean[];
}

interface Real {
  database: Database;
  layer: Layer.Layer<DatabasePorts>;
  admin: MemberActor;
  integration: IntegrationActor;
  customerIds: string[];
  conversationIds: string[];
  externalIds: string[];
  tagIds: Map<string, string>;
}

const keyOf = (name: string) => {
  const n = normaliseTagName(name);
  if (Either.isLeft(n)) throw new Error(n.left);
  return n.right;
};

const run = <A, E>(real: Real, program: Effect.Effect<A, E, DatabasePorts>) =>
  Effect.runPromiseExit(program.pipe(Effect.provide(real.layer)));

const codeOf = (exit: Exit.Exit<unknown, unknown>): string | null =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail"
    ? ((exit.cause.error as { code?: string }).code ?? "unknown")
    : null;

class ApplyTag implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly customer: number,
    readonly name: (typeof TAG_NAMES)[number],
    readonly confirm: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const tag = keyOf(this.name);
    const slot = `${this.customer}|${tag.key}`;
    const before = m.counts.get(slot) ?? 0;
    const exit = await run(
      r,
      applyTag(r.admin, {
        customerId: r.customerIds[this.customer] as CustomerId,
        name: tag,
        confirm: this.confirm,
      }),
    );
    if (!Exit.isSuccess(exit)) throw new Error(`apply failed: ${codeOf(exit)}`);
    const result = exit.value;
    if (before > 0 && !this.confirm) {
      expect(result).toMatchObject({ kind: "confirmation_required", count: before });
    } else {
      expect(result).toMatchObject({ kind: "applied", count: before + 1 });
      m.counts.set(slot, before + 1);
    }
    r.tagIds.set(tag.key, result.tagId);
  }
  toString = () => `apply(${this.customer}, ${this.name}, confirm=${this.confirm})`;
}

class RemoveTag implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly customer: number,
    readonly name: (typeof TAG_NAMES)[number],
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const { key } = keyOf(this.name);
    const tagId = r.tagIds.get(key);
    if (tagId === undefined) return; // never created: nothing to remove yet
    const slot = `${this.customer}|${key}`;
    const exit = await run(
      r,
      removeTag(r.admin, {
        customerId: r.customerIds[this.customer] as CustomerId,
        tagId: tagId as TagId,
      }),
    );
    if (!Exit.isSuccess(exit)) throw new Error(`remove failed: ${codeOf(exit)}`);
    expect(exit.value.removed).toBe((m.counts.get(slot) ?? 0) > 0);
    m.counts.set(slot, 0);
  }
  toString = () => `remove(${this.customer}, ${this.name})`;
}

class EditName implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly customer: number,
    readonly name: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const exit = await run(
      r,
      updateProfile(r.admin, {
        customerId: r.customerIds[this.customer] as CustomerId,
        displayName: this.name,
      }),
    );
    expect(Exit.isSuccess(exit)).toBe(true);
    m.names[this.customer] = this.name;
  }
  toString = () => `rename(${this.customer}, ${this.name})`;
}

class SetActive implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly conversation: number,
    readonly active: boolean,
  ) {}
  check = (m: Readonly<Model>) => !m.deleted[this.conversation];
  async run(m: Model, r: Real) {
    const exit = await run(
      r,
      setConversationStatus(r.admin, {
        conversationId: r.conversationIds[this.conversation] as ConversationId,
        active: this.active,
      }),
    );
    expect(Exit.isSuccess(exit)).toBe(true);
    m.active[this.conversation] = this.active;
  }
  toString = () => `setActive(${this.conversation}, ${this.active})`;
}

class Inbound implements fc.AsyncCommand<Model, Real> {
  constructor(readonly conversation: number) {}
  check = (m: Readonly<Model>) => !m.deleted[this.conversation];
  async run(m: Model, r: Real) {
    const exit = await run(
      r,
      ingestMessage(r.integration, {
        identity: { channel: "line", externalUserId: r.externalIds[this.conversation] ?? "" },
        sender: "customer",
        content: "請問還有貨嗎？",
      }),
    );
    if (m.active[this.conversation]) {
      expect(Exit.isSuccess(exit)).toBe(true);
      m.messages[this.conversation] = (m.messages[this.conversation] ?? 0) + 1;
    } else {
      expect(codeOf(exit)).toBe("CONVERSATION_BLOCKED");
    }
  }
  toString = () => `inbound(${this.conversation})`;
}

class Delete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly conversation: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const exit = await run(
      r,
      deleteConversation(r.admin, {
        conversationId: r.conversationIds[this.conversation] as ConversationId,
      }),
    );
    if (!Exit.isSuccess(exit)) throw new Error(`delete failed: ${codeOf(exit)}`);
    expect(exit.value.alreadyDeleted).toBe(m.deleted[this.conversation]);
    if (!m.deleted[this.conversation])
      expect(exit.value.messages).toBe(m.messages[this.conversation]);
    m.deleted[this.conversation] = true;
  }
  toString = () => `delete(${this.conversation})`;
}

/** After every step: the database holds exactly what the model says. */
const agree = async (m: Model, r: Real) => {
  const { db } = r.database;
  for (let c = 0; c < CUSTOMERS; c++) {
    const customerId = r.customerIds[c] ?? "";
    const [customer] = await db.select().from(t.customers).where(eq(t.customers.id, customerId));
    expect(customer?.displayName).toBe(m.names[c]);
    for (const [key, tagId] of r.tagIds) {
      const [row] = await db
        .select({ count: t.customerTags.count })
        .from(t.customerTags)
        .where(and(eq(t.customerTags.customerId, customerId), eq(t.customerTags.tagId, tagId)));
      expect(row?.count ?? 0).toBe(m.counts.get(`${c}|${key}`) ?? 0);
    }
    const conversationId = r.conversationIds[c] ?? "";
    const [conversation] = await db
      .select()
      .from(t.conversations)
      .where(eq(t.conversations.id, conversationId));
    const [messages] = await db
      .select({ n: count() })
      .from(t.messages)
      .where(eq(t.messages.conversationId, conversationId));
    if (m.deleted[c]) {
      expect(conversation).toBeUndefined();
      expect(messages?.n).toBe(0);
    } else {
      expect(conversation?.active).toBe(m.active[c]);
      expect(messages?.n).toBe(m.messages[c]);
    }
  }
};

const withCheck = (command: fc.AsyncCommand<Model, Real>): fc.AsyncCommand<Model, Real> => ({
  check: (m) => command.check(m),
  run: async (m, r) => {
    await command.run(m, r);
    await agree(m, r);
  },
  toString: () => command.toString(),
});

const customerIdx = fc.integer({ min: 0, max: CUSTOMERS - 1 });
const applyCommand = fc
  .tuple(customerIdx, fc.constantFrom(...TAG_NAMES), fc.boolean())
  .map(([c, n, confirm]) => withCheck(new ApplyTag(c, n, confirm)));
const removeCommand = fc
  .tuple(customerIdx, fc.constantFrom(...TAG_NAMES))
  .map(([c, n]) => withCheck(new RemoveTag(c, n)));
// Tagging is listed three times and removal twice: sequences then often apply,
// repeat and remove the same tag on the same customer, where the rules bite.
const commands = [
  applyCommand,
  applyCommand,
  applyCommand,
  removeCommand,
  removeCommand,
  fc
    .tuple(customerIdx, fc.constantFrom("王小明", "Ada", "林美麗"))
    .map(([c, n]) => withCheck(new EditName(c, n))),
  fc.tuple(customerIdx, fc.boolean()).map(([c, a]) => withCheck(new SetActive(c, a))),
  customerIdx.map((c) => withCheck(new Inbound(c))),
  customerIdx.map((c) => withCheck(new Delete(c))),
];

describe.each(engines)(
  "T3–T5, L5, L9, P1, B7 the database agrees with a simple model on $name",
  (engine) => {
    let handle: EngineHandle;
    beforeAll(async () => {
      handle = await engine.open();
    });
    afterAll(async () => handle?.dispose());

    it("after every step of random command sequences", async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
          const database = await handle.fresh();
          try {
            const { db } = database;
            const teamId = await seedTeam(db);
            const adminId = await seedMember(db, teamId, "admin", "管理員");
            const customerIds: string[] = [];
            const conversationIds: string[] = [];
            const externalIds: string[] = [];
            for (let c = 0; c < CUSTOMERS; c++) {
              const externalId = `U${c}`;
              const seeded = await seedCustomer(db, teamId, {
                externalId,
                displayName: `客戶${c}`,
              });
              customerIds.push(seeded.customerId);
              conversationIds.push(seeded.conversationId);
              externalIds.push(externalId);
            }
            const model: Model = {
              names: customerIds.map((_, c) => `客戶${c}`),
              counts: new Map(),
              active: customerIds.map(() => true),
              messages: customerIds.map(() => 0),
              deleted: customerIds.map(() => false),
            };
            const real: Real = {
              database,
              layer: databaseLayer(db),
              admin: {
                kind: "member",
                teamId: teamId as TeamId,
                memberId: adminId as MemberId,
                name: "管理員",
                role: "admin",
                client: "web",
              },
              integration: {
                kind: "integration",
                teamId: teamId as TeamId,
                credentialId: adminId as never,
              },
              customerIds,
              conversationIds,
              externalIds,
              tagIds: new Map(),
            };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
          } finally {
            await database.close();
          }
        }),
        { numRuns: 20 },
      );
    }, 600_000);
  },
);
