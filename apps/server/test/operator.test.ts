import { randomUUID } from "node:crypto";
import { createDatabase, type Database } from "@customer-panel/db";
import {
  type PgBouncer,
  pgbouncerBinary,
  seedMessages,
  startPgBouncer,
} from "@customer-panel/db/testing";
import { type AppRouter, TRPC_PATH } from "@customer-panel/trpc";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import pg from "pg";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runCommand,
  runJson,
  type ServeProcess,
  shippedMigrations,
  startServe,
} from "./fixtures/cli.js";

/**
 * Issue 17, as an operator: an empty PostgreSQL database → `migrate` → `teams create` →
 * `members add` → `credentials issue` → `serve`, and the token works through @trpc/client;
 * health, readiness and metrics move; every log line is JSON without a secret; SIGTERM
 * during an open download and an open stream lets the download finish, ends the stream
 * with SERVER_SHUTTING_DOWN, and exits 0. Runs when TEST_DATABASE_URL is set (CI sets it).
 */

const adminUrl = process.env.TEST_DATABASE_URL;
const MESSAGES = 30_000;

const client = (url: string, headers: Record<string, string>) =>
  createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${url}${TRPC_PATH}`, transformer: superjson, headers })],
  });

/** Reads an SSE response as text until `until` matches or the stream ends. */
const readUntil = async (body: ReadableStream<Uint8Array>, until: RegExp) => {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text, ended: true };
    text += decoder.decode(value, { stream: true });
    if (until.test(text)) return { text, ended: false };
  }
};

/**
 * The same walk on PostgreSQL directly, and through PgBouncer in transaction mode (issue 17):
 * DATABASE_URL is the pooler's, DIRECT_DATABASE_URL the server's (LISTEN and migrations).
 */
const routes = [
  { label: "on PostgreSQL", pooled: false },
  // .ci/run installs pgbouncer; a machine without it runs the direct walk only.
  ...(pgbouncerBinary() === null
    ? []
    : [{ label: "through PgBouncer (transaction mode)", pooled: true }]),
];

describe.runIf(adminUrl !== undefined).each(routes)(
  "the customer-panel command $label",
  ({ pooled }) => {
    let bouncer: PgBouncer | undefined;
    const name = `panel_server_${randomUUID().replace(/-/g, "")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    let env: Record<string, string>;
    let database: Database;
    let serveProcess: ServeProcess;
    const ids = { team: "", member: "", token: "", key: "", conversation: "" };

    beforeAll(async () => {
      await admin.connect();
      await admin.query(
        `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
      );
      const url = new URL(adminUrl as string);
      url.pathname = `/${name}`;
      if (pooled) {
        bouncer = await startPgBouncer({ serverUrl: adminUrl as string, poolSize: 4 });
        env = { DATABASE_URL: bouncer.pooled(url.toString()), DIRECT_DATABASE_URL: url.toString() };
      } else {
        env = { DATABASE_URL: url.toString() };
      }
    });
    afterAll(async () => {
      serveProcess?.child.kill("SIGKILL");
      await database?.close();
      await bouncer?.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });

    it("goes from an empty database to a working member token and integration key", async () => {
      expect(await runJson(["migrate"], env)).toEqual({
        migrated: await shippedMigrations(),
        pending: 0,
      });
      const { team } = await runJson<{ team: { id: string } }>(
        ["teams", "create", "--name", "晴天選物", "--feature", "conversationExport"],
        env,
      );
      const { member } = await runJson<{ member: { id: string } }>(
        ["members", "add", "--team", team.id, "--name", "小美", "--role", "admin"],
        env,
      );
      const issued = await runJson<{ credential: { id: string; secret: string } }>(
        ["credentials", "issue", "--team", team.id, "--member", member.id, "--label", "desk"],
        env,
      );
      const key = await runJson<{ credential: { secret: string } }>(
        ["credentials", "issue", "--team", team.id, "--integration"],
        env,
      );
      Object.assign(ids, {
        team: team.id,
        member: member.id,
        token: issued.credential.secret,
        key: key.credential.secret,
      });
      const listed = await runJson<{ credentials: { id: string }[] }>(
        ["credentials", "list", "--team", team.id],
        env,
      );
      expect(listed.credentials).toHaveLength(2);
      expect(JSON.stringify(listed)).not.toContain(issued.credential.secret);

      serveProcess = await startServe(["serve"], {
        ...env,
        PORT: "0",
        HOST: "127.0.0.1",
        SMTP_URL: "smtp://127.0.0.1:1",
        MAIL_FROM: "Support <support@example.com>",
        TRUST_PROXY: "true",
      });
      const ingest = await client(serveProcess.url, { "x-api-key": ids.key }).ingest.message.mutate(
        {
          identity: { channel: "line", externalUserId: "U-0001" },
          sender: "customer",
          content: "你好",
        },
      );
      ids.conversation = ingest.conversationId;
      const panel = await client(serveProcess.url, {
        authorization: `Bearer ${ids.token}`,
      }).panel.get.query({ conversationId: ids.conversation });
      expect(panel).toBeTruthy();
      await expect(
        client(serveProcess.url, { authorization: `Bearer ${"x".repeat(43)}` }).panel.get.query({
          conversationId: ids.conversation,
        }),
      ).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    });

    it("answers /healthz, /readyz and /metrics, keeps an incoming X-Request-Id", async () => {
      const health = await fetch(`${serveProcess.url}/healthz`, {
        headers: { "x-request-id": "probe-42" },
      });
      expect(health.status).toBe(200);
      expect(health.headers.get("x-request-id")).toBe("probe-42");
      const ready = await fetch(`${serveProcess.url}/readyz`);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { draining: "ok", database: "ok", migrations: "ok", changeStream: "ok" },
      });
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${serveProcess.url}/metrics`)).text();
      expect(metrics).toMatch(/panel_requests_total\{procedure="panel.get",outcome="OK"\} 1/);
      expect(metrics).toMatch(
        /panel_requests_total\{procedure="panel.get",outcome="UNAUTHORIZED"\} 1/,
      );
      expect(metrics).toMatch(/panel_requests_total\{procedure="ingest.message",outcome="OK"\} 1/);
      expect(metrics).toMatch(/panel_request_duration_seconds_count\{procedure="panel.get"\} 2/);
      expect(metrics).toMatch(/panel_outbox_pending 0/);
      expect(metrics).toMatch(/panel_db_pool_connections\{state="in_use"\} \d+/);
      expect(metrics).toMatch(/panel_change_listen_connected 1/);
    });

    it("on SIGTERM finishes an open download, ends an open stream with SERVER_SHUTTING_DOWN, exits 0", async () => {
      database = await createDatabase({
        url: env.DIRECT_DATABASE_URL ?? (env.DATABASE_URL as string),
      });
      const lines = Array.from({ length: MESSAGES }, (_, i) => `訊息 ${i} ${"內容".repeat(20)}`);
      for (let i = 0; i < lines.length; i += 5_000) {
        await seedMessages(
          database.db,
          ids.team,
          ids.conversation,
          lines.slice(i, i + 5_000),
          new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
        );
      }
      const member = client(serveProcess.url, { authorization: `Bearer ${ids.token}` });
      const exported = await member.conversations.export.mutate({
        conversationId: ids.conversation,
        format: "csv",
      });
      if (exported.format !== "csv") throw new Error("expected a CSV link");
      const input = encodeURIComponent(JSON.stringify({ json: {} }));
      const stream = await fetch(`${serveProcess.url}${TRPC_PATH}/panel.onChange?input=${input}`, {
        headers: { authorization: `Bearer ${ids.token}`, accept: "text/event-stream" },
      });
      expect(stream.status).toBe(200);
      // The download starts and is not read: the server waits on a full socket.
      const download = await fetch(`${serveProcess.url}${exported.url}`);
      expect(download.status).toBe(200);
      const during = await (await fetch(`${serveProcess.url}/metrics`)).text();
      expect(during).toMatch(/panel_downloads_in_flight 1/);
      expect(during).toMatch(/panel_sse_streams_open 1/);

      serveProcess.child.kill("SIGTERM");
      const ending = await readUntil(
        stream.body as ReadableStream<Uint8Array>,
        /SERVER_SHUTTING_DOWN/,
      );
      expect(ending.text).toMatch(/event: serialized-error/);
      expect(ending.text).toContain("SERVER_SHUTTING_DOWN");
      const csv = await download.text();
      expect(csv.trim().split("\n").length).toBeGreaterThan(MESSAGES);
      expect(csv).toContain(`訊息 ${MESSAGES - 1} `);
      expect(await serveProcess.exited).toBe(0);

      const logs = serveProcess.lines();
      const parsed = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requests = parsed.filter((l) => l.msg === "request");
      expect(requests.find((l) => l.path === "/healthz")).toMatchObject({ requestId: "probe-42" });
      expect(
        requests.find((l) => (l.procedures as string[] | undefined)?.[0] === "panel.get"),
      ).toMatchObject({
        teamId: ids.team,
        memberId: ids.member,
        outcomes: ["OK"],
        status: 200,
      });
      expect(parsed.at(-1)).toMatchObject({ msg: "stopped", drained: true, cutOff: 0 });
      const all = logs.join("\n");
      for (const secret of [ids.token, ids.key, exported.url.split("/").at(-1) as string, "你好"]) {
        expect(all).not.toContain(secret);
      }
      expect(serveProcess.stderr()).toBe("");
    });

    it("runs the worker alone with /healthz, /readyz and /metrics on PORT; a failed delivery is counted", async () => {
      const worker = await startServe(["worker"], {
        ...env,
        PORT: "0",
        HOST: "127.0.0.1",
        // Nothing listens there: every delivery fails, and is counted.
        SMTP_URL: "smtp://127.0.0.1:1",
        MAIL_FROM: "Support <support@example.com>",
      });
      try {
        expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${worker.url}/readyz`);
        // No change stream in a worker: its readiness does not ask for one.
        expect(await ready.json()).toEqual({
          status: "ready",
          checks: { draining: "ok", database: "ok", migrations: "ok" },
        });
        expect(ready.status).toBe(200);
        expect((await fetch(`${worker.url}${TRPC_PATH}/panel.get`)).status).toBe(404);
        const before = await (await fetch(`${worker.url}/metrics`)).text();
        expect(before).toMatch(/panel_export_jobs_total\{outcome="sent"\} 0/);
        expect(before).toMatch(/panel_export_jobs_total\{outcome="failed"\} 0/);
        expect(before).toMatch(/panel_outbox_pending 0/);
        expect(before).toMatch(/panel_db_pool_connections\{state="in_use"\} \d+/);

        const direct = new pg.Client({
          connectionString: env.DIRECT_DATABASE_URL ?? env.DATABASE_URL,
        });
        await direct.connect();
        await direct.query(
          `insert into email_exports (id, team_id, conversation_id, recipient,
             requested_by_member_id, requested_by_name, requested_at)
           values ($1, $2, $3, 'ops@example.com', $4, '小美', now())`,
          [randomUUID(), ids.team, ids.conversation, ids.member],
        );
        await direct.end();
        let metrics = "";
        for (let i = 0; i < 60 && !/outcome="failed"\} [1-9]/.test(metrics); i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          metrics = await (await fetch(`${worker.url}/metrics`)).text();
        }
        expect(metrics).toMatch(/panel_export_jobs_total\{outcome="failed"\} 1/);
        expect(metrics).toMatch(/panel_export_jobs_total\{outcome="sent"\} 0/);

        worker.child.kill("SIGTERM");
        expect(await worker.exited).toBe(0);
        const messages = worker.lines().map((line) => JSON.parse(line).msg);
        expect(messages).toEqual(
          expect.arrayContaining(["worker started", "email export delivery failed", "stopped"]),
        );
        expect(worker.stderr()).toBe("");
      } finally {
        worker.child.kill("SIGKILL");
      }
    });

    it("refuses what it can not do with a stable code and exit 1", async () => {
      const missing = await runCommand(
        [
          "members",
          "set-role",
          "--team",
          ids.team,
          "--member",
          randomUUID(),
          "--role",
          "admin",
          "--json",
        ],
        env,
      );
      expect(missing.code).toBe(1);
      expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: "MEMBER_NOT_FOUND" } });
      const revoked = await runJson(["credentials", "revoke", "--id", randomUUID()], env).catch(
        (error: Error) => error.message,
      );
      expect(revoked).toMatch(/CREDENTIAL_NOT_FOUND/);
    });
  },
);
