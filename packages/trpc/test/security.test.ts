import { randomUUID } from "node:crypto";
import { type Action, can, ROLES, type Role } from "@customer-panel/core";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorOf,
  type PanelClient,
  seedWorld,
  startTestServer,
  type TestServer,
  type World,
} from "./harness.js";

/**
 * X1/X2/L8/L9/O2 security table over real HTTP: every member procedure × every role
 * × { own team, another team's ids, no credentials, the app client } → the exact
 * answer. Expected role answers are computed from the permissions matrix (`can`),
 * so the table can not drift from it.
 *
 * Inputs name ids that do not exist (a random UUID) or another team's, so no call
 * changes anything: the role is checked before any read, so an allowed role gets
 * past it to NOT_FOUND, a refused one stops at ROLE_NOT_ALLOWED.
 */

interface Ids {
  readonly conversationId: string;
  readonly customerId: string;
  readonly tagId: string;
  readonly memberId: string;
}

interface Row {
  readonly path: string;
  readonly kind: "query" | "mutation";
  readonly action: Action;
  /** The input naming `ids`; null for procedures that name no id (scoped to the caller's team). */
  readonly input: (ids: Ids) => unknown;
  readonly idBased: boolean;
}

const TODAY = "2025-06-01";
const ROWS: readonly Row[] = [
  {
    path: "panel.get",
    kind: "query",
    action: "panel.view",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId }),
  },
  {
    path: "profile.update",
    kind: "mutation",
    action: "profile.edit",
    idBased: true,
    input: (i) => ({ customerId: i.customerId, note: "x" }),
  },
  {
    path: "preferences.setPanelHidden",
    kind: "mutation",
    action: "preferences.setPanelHidden",
    idBased: false,
    input: () => ({ hidden: false }),
  },
  {
    path: "events.list",
    kind: "query",
    action: "events.view",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId }),
  },
  {
    path: "tags.suggest",
    kind: "query",
    action: "tags.suggest",
    idBased: false,
    input: () => ({ query: "V" }),
  },
  {
    path: "tags.apply",
    kind: "mutation",
    action: "tags.apply",
    idBased: true,
    input: (i) => ({ customerId: i.customerId, name: "VIP" }),
  },
  {
    path: "tags.remove",
    kind: "mutation",
    action: "tags.remove",
    idBased: true,
    input: (i) => ({ customerId: i.customerId, tagId: i.tagId }),
  },
  {
    path: "tags.frequency",
    kind: "query",
    action: "tags.frequency",
    idBased: true,
    input: (i) => ({ customerId: i.customerId }),
  },
  {
    path: "tagReports.stats",
    kind: "query",
    action: "tagReports.export",
    idBased: false,
    input: () => ({ from: TODAY, to: TODAY }),
  },
  {
    path: "tagReports.records",
    kind: "query",
    action: "tagReports.export",
    idBased: false,
    input: () => ({ from: TODAY, to: TODAY }),
  },
  {
    path: "conversations.setStatus",
    kind: "mutation",
    action: "conversations.setStatus",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId, active: true }),
  },
  {
    path: "conversations.changeState",
    kind: "mutation",
    action: "conversations.changeState",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId, command: "close" }),
  },
  {
    path: "conversations.export",
    kind: "mutation",
    action: "conversations.export",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId, format: "csv" }),
  },
  {
    path: "conversations.delete",
    kind: "mutation",
    action: "conversations.delete",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId }),
  },
  {
    path: "conversations.search",
    kind: "query",
    action: "conversations.search",
    idBased: false,
    input: () => ({ query: "王" }),
  },
  {
    path: "conversations.list",
    kind: "query",
    action: "conversations.list",
    idBased: false,
    input: () => ({ limit: 5 }),
  },
  {
    path: "members.list",
    kind: "query",
    action: "members.list",
    idBased: false,
    input: () => ({}),
  },
  {
    path: "omo.unbind",
    kind: "mutation",
    action: "omo.unbind",
    idBased: true,
    input: (i) => ({ conversationId: i.conversationId }),
  },
];

// Dynamic access by path: the table drives the calls, the router's types can not.
const call = (client: PanelClient, row: Row, input: unknown): Promise<unknown> => {
  const [group, name] = row.path.split(".") as [string, string];
  const procedures = (
    client as unknown as Record<
      string,
      Record<string, Record<string, (i: unknown) => Promise<unknown>>>
    >
  )[group];
  const procedure = procedures?.[name];
  if (!procedure) throw new Error(`no procedure ${row.path}`);
  const invoke = procedure[row.kind === "query" ? "query" : "mutate"];
  if (!invoke) throw new Error(`no ${row.kind} on ${row.path}`);
  return invoke(input);
};

/** "ok", or the domain code (or the tRPC code when there is none) of the refusal. */
const answer = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return "ok";
  } catch {
    const e = await errorOf(promise);
    return e.data?.domainCode ?? e.data?.code ?? "unknown";
  }
};

const randomIds = (): Ids => ({
  conversationId: randomUUID(),
  customerId: randomUUID(),
  tagId: randomUUID(),
  memberId: randomUUID(),
});

describe.each(engines)("X1 X2 L8 L9 O2 the security table on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  let foreign: Ids;
  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    world = await seedWorld(server);
    const line = world.teamA.conversations.line;
    foreign = {
      conversationId: line.conversationId,
      customerId: line.customerId,
      tagId: randomUUID(),
      memberId: world.teamA.members.admin.id,
    };
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  const cases = ROWS.flatMap((row) => ROLES.map((role) => [row.path, role, row] as const));

  it.each(cases)("%s as %s of the team: the matrix decides", async (_path, role: Role, row) => {
    const client = server.client(world.teamA.members[role].secret);
    const expected = can(role, row.action).allowed
      ? row.idBased
        ? "NOT_FOUND"
        : "ok"
      : "ROLE_NOT_ALLOWED";
    expect(await answer(call(client, row, row.input(randomIds())))).toBe(expected);
  });

  it.each(ROWS.filter((r) => r.idBased).map((r) => [r.path, r] as const))(
    "%s with another team's ids answers exactly like a missing id (X2)",
    async (_path, row) => {
      const outsider = server.client(world.teamB.admin.secret);
      const withForeign = await errorOf(call(outsider, row, row.input(foreign)));
      const withRandom = await errorOf(call(outsider, row, row.input(randomIds())));
      expect(withForeign.data?.domainCode).toBe("NOT_FOUND");
      expect(withForeign).toEqual(withRandom);
    },
  );

  it.each(ROWS.map((r) => [r.path, r] as const))(
    "%s without credentials → UNAUTHORIZED",
    async (_path, row) => {
      const anonymous = server.client(null);
      const e = await errorOf(call(anonymous, row, row.input(randomIds())));
      expect(e.data?.code).toBe("UNAUTHORIZED");
    },
  );

  it.each(ROWS.map((r) => [r.path, r] as const))(
    "%s from the app client: the same as web, but export is refused (L8)",
    async (_path, row) => {
      const app = server.client(world.teamA.appAdmin.secret);
      if (row.path === "conversations.export") {
        const ids = {
          ...randomIds(),
          conversationId: world.teamA.conversations.line.conversationId,
        };
        expect(await answer(call(app, row, row.input(ids)))).toBe("CLIENT_NOT_SUPPORTED");
        return;
      }
      const expected = row.idBased ? "NOT_FOUND" : "ok";
      expect(await answer(call(app, row, row.input(randomIds())))).toBe(expected);
    },
  );
});
