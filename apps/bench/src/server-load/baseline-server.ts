import { createHash } from "node:crypto";
import http from "node:http";
import pg from "pg";
import {
  CONVERSATION_OF_TEAM_SQL,
  CREATE_TAG_SQL,
  CREDENTIAL_SQL,
  EVENTS_PAGE_SQL,
  PANEL_SQL,
  RAW_APPLY_SQL,
  TAG_BY_KEY_SQL,
} from "../raw-sql.js";

/**
 * The end-to-end rows' baseline (issue 19 item 1): a minimal `node:http` server, one process,
 * running the same SQL as a hand-written hot path with `pg` and a pool of the server's size.
 * It answers the panel server's URLs (`GET /trpc/panel.get?input=…`, `GET
 * /trpc/events.list?input=…`, `POST /trpc/tags.apply`) with the same envelope, and looks the
 * bearer token up in the credentials table on every request, as the server does. No input
 * schema, no use case, no superjson, no logs, no metrics: what is left is the floor.
 *
 * Run as its own process: DATABASE_URL, DATABASE_POOL_SIZE, PORT (HOST 127.0.0.1).
 */

type Actor = { readonly teamId: string; readonly memberId: string };
type Input = Record<string, unknown>;

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
pool.on("error", () => {});

const query = async (text: string, values: readonly unknown[], name?: string) =>
  (await pool.query({ text, values: values as unknown[], ...(name && { name }) })).rows;

const authenticate = async (req: http.IncomingMessage): Promise<Actor | null> => {
  const secret = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (secret === undefined) return null;
  const hash = createHash("sha256").update(secret, "utf8").digest("hex");
  const [row] = await query(CREDENTIAL_SQL, [hash], "baseline_credential");
  return row?.member_id ? { teamId: row.team_id, memberId: row.member_id } : null;
};

const PROCEDURES: Record<string, (actor: Actor, input: Input) => Promise<unknown>> = {
  "panel.get": async (actor, input) => {
    // One after the other, as the in-process row's baseline does (operations.ts).
    const answers: unknown[][] = [];
    for (const [i, text] of PANEL_SQL.entries()) {
      answers.push(await query(text, [actor.teamId, input.conversationId], `baseline_panel_${i}`));
    }
    const [conversation, tags] = answers;
    return { conversation: conversation?.[0], tags };
  },
  "events.list": async (actor, input) => {
    const [found] = await query(CONVERSATION_OF_TEAM_SQL, [actor.teamId, input.conversationId]);
    if (found === undefined) return null;
    const limit = 50;
    const rows = await query(EVENTS_PAGE_SQL, [actor.teamId, input.conversationId, limit + 1]);
    const shown = rows.slice(0, limit);
    return {
      events: shown,
      nextCursor: rows.length > limit ? String(shown.at(-1)?.seq) : null,
    };
  },
  "tags.apply": async (actor, input) => {
    const name = String(input.name);
    const key = name.toLowerCase();
    let [tag] = await query(TAG_BY_KEY_SQL, [actor.teamId, key], "baseline_tag");
    if (tag === undefined) {
      await query(CREATE_TAG_SQL, [actor.teamId, name, key]);
      [tag] = await query(TAG_BY_KEY_SQL, [actor.teamId, key], "baseline_tag");
    }
    await query(
      RAW_APPLY_SQL,
      [actor.teamId, input.customerId, tag?.id, input.conversationId, actor.memberId],
      "baseline_apply",
    );
    return { kind: "applied" };
  },
};

const send = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
};

const bodyOf = async (req: http.IncomingMessage): Promise<string> => {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
};

const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/ready") return send(res, 200, { ready: true });
  const procedure = PROCEDURES[url.pathname.replace(/^\/trpc\//, "")];
  if (procedure === undefined) return send(res, 404, { error: "not found" });
  const raw = req.method === "POST" ? await bodyOf(req) : (url.searchParams.get("input") ?? "{}");
  const input = (JSON.parse(raw) as { json?: Input }).json ?? {};
  const actor = await authenticate(req);
  if (actor === null) return send(res, 401, { error: { code: "UNAUTHORIZED" } });
  const data = await procedure(actor, input);
  if (data === null) return send(res, 404, { error: { code: "NOT_FOUND" } });
  send(res, 200, { result: { data: { json: data } } });
};

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => send(res, 500, { error: { code: "INTERNAL_SERVER_ERROR" } }));
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
