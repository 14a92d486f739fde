import type { MemberActor, MemberId, TeamId } from "@customer-panel/core";
import type { RawQuery } from "./engine.js";

/** How much data a run generates. */
export interface Scale {
  readonly name: string;
  readonly customers: number;
  readonly tags: number;
  /** Tags of a second team, for `tags.suggest` on a large vocabulary. */
  readonly manyTags: number;
  readonly applications: number;
  readonly messages: number;
  /** Confirmed `tags.apply` calls per round and path. */
  readonly applies: number;
  /** Timed rounds per operation and path. */
  readonly rounds: number;
  /** The end-to-end server rows: seconds of each load run, and runs per operation and side. */
  readonly serverSeconds: number;
  readonly serverRounds: number;
}

/** The issue's default scale (conversations = customers, one per customer). */
export const DEFAULT_SCALE: Scale = {
  name: "default",
  customers: 100_000,
  tags: 1_000,
  manyTags: 100_000,
  applications: 1_000_000,
  messages: 100_000,
  applies: 2_000,
  rounds: 5,
  serverSeconds: 10,
  serverRounds: 2,
};

/** A mid scale, for a measurement that fits a short time box (a fifth of the default data). */
export const MID_SCALE: Scale = {
  name: "mid",
  customers: 20_000,
  tags: 1_000,
  manyTags: 20_000,
  applications: 200_000,
  messages: 20_000,
  applies: 400,
  rounds: 3,
  serverSeconds: 5,
  serverRounds: 2,
};

/** The CI smoke-test scale. */
export const QUICK_SCALE: Scale = {
  name: "quick",
  customers: 2_000,
  tags: 100,
  manyTags: 2_000,
  applications: 20_000,
  messages: 5_000,
  applies: 400,
  rounds: 2,
  serverSeconds: 2,
  serverRounds: 1,
};

/** The fixed ids and dates the operations address. */
export const FIXTURE = {
  teamId: "00000000-0000-4000-8000-000000000001",
  adminId: "00000000-0000-4000-8000-000000000002",
  /** A second team holding only `manyTags` tags (suggestions on a large vocabulary). */
  manyTagsTeamId: "00000000-0000-4000-8000-000000000003",
  manyTagsAdminId: "00000000-0000-4000-8000-000000000004",
  timeZone: "Asia/Taipei",
  /** Applications fall in the 90 team days before this instant (2025-07-01 00:00 in Taipei). */
  base: "2025-07-01T00:00:00+08:00",
  /** A 30-day window: applications on day offsets 1–30. */
  month: { from: "2025-06-01", to: "2025-06-30" },
  /** A 1-day window: applications on day offset 1. */
  day: { from: "2025-06-30", to: "2025-06-30" },
} as const;

/** The fixture team's admin, as the use cases see the caller. */
export const FIXTURE_ADMIN: MemberActor = {
  kind: "member",
  teamId: FIXTURE.teamId as TeamId,
  memberId: FIXTURE.adminId as MemberId,
  name: "管理員",
  role: "admin",
  client: "web",
};

/** Deterministic id of the i-th row of a kind (1-based), the same on both engines. */
export const idSql = (kind: string, index: string): string => `md5('${kind}:' || ${index})::uuid`;

/** The id of customer `i` (and of its identity and conversation). */
export const rowIdsOf = async (raw: RawQuery, kind: string, count: number): Promise<string[]> =>
  (
    await raw<{ id: string }>(
      `select ${idSql(kind, "i")}::text as id from generate_series(1, $1::int) i order by i`,
      [count],
    )
  ).map((r) => r.id);

/** Rows of the 30-day and 1-day windows, computed from the generator's formula. */
export const expectedApplications = (scale: Scale, maxDayOffset: number): number => {
  let n = 0;
  for (let i = 1; i <= scale.applications; i++) if ((i % 90) + 1 <= maxDayOffset) n++;
  return n;
};

const statements = (s: Scale): string[] => [
  `insert into teams (id, name, time_zone, feature_pixel, feature_omo, feature_conversation_export)
   values ('${FIXTURE.teamId}', 'Bench team', '${FIXTURE.timeZone}', true, true, true)`,
  `insert into members (id, team_id, name, role)
   values ('${FIXTURE.adminId}', '${FIXTURE.teamId}', '管理員', 'admin')`,
  `insert into teams (id, name, time_zone) values ('${FIXTURE.manyTagsTeamId}', 'Many tags', '${FIXTURE.timeZone}')`,
  `insert into members (id, team_id, name, role)
   values ('${FIXTURE.manyTagsAdminId}', '${FIXTURE.manyTagsTeamId}', '管理員', 'admin')`,
  // Names tag000001…; popularity spread by i * 7919.
  `insert into tags (id, team_id, name, key, uses, created_at)
   select ${idSql("many-tag", "i")}, '${FIXTURE.manyTagsTeamId}', 'tag' || lpad(i::text, 6, '0'),
          'tag' || lpad(i::text, 6, '0'), (i::bigint * 7919) % 1000,
          timestamptz '${FIXTURE.base}' - interval '200 days'
   from generate_series(1, ${s.manyTags}) i`,
  `insert into customers (id, team_id, display_name, email, created_at)
   select ${idSql("customer", "i")}, '${FIXTURE.teamId}', '顧客 ' || i, 'c' || i || '@example.com',
          timestamptz '${FIXTURE.base}' - interval '200 days'
   from generate_series(1, ${s.customers}) i`,
  `insert into identities (id, team_id, customer_id, channel, external_id, created_at)
   select ${idSql("identity", "i")}, '${FIXTURE.teamId}', ${idSql("customer", "i")}, 'line', 'ext-' || i,
          timestamptz '${FIXTURE.base}' - interval '200 days'
   from generate_series(1, ${s.customers}) i`,
  `insert into conversations (id, team_id, customer_id, identity_id, channel, state, last_message_at, created_at)
   select ${idSql("conversation", "i")}, '${FIXTURE.teamId}', ${idSql("customer", "i")}, ${idSql("identity", "i")},
          'line', 'in_progress', timestamptz '${FIXTURE.base}' - (i % 90) * interval '1 day',
          timestamptz '${FIXTURE.base}' - interval '200 days'
   from generate_series(1, ${s.customers}) i`,
  `insert into tags (id, team_id, name, key, created_at)
   select ${idSql("tag", "i")}, '${FIXTURE.teamId}', 'tag' || lpad(i::text, 5, '0'), 'tag' || lpad(i::text, 5, '0'),
          timestamptz '${FIXTURE.base}' - interval '200 days'
   from generate_series(1, ${s.tags}) i`,
  // A bulk load counts uses once, below, instead of a deferred trigger event per row.
  "alter table tag_applications disable trigger tag_applications_count_use",
  // Day offset 1–90 before the base from i % 90, second of the day from i * 7919.
  `insert into tag_applications (id, team_id, customer_id, tag_id, applied_at, channel, conversation_id, method, member_id)
   select ${idSql("application", "i")}, '${FIXTURE.teamId}',
          ${idSql("customer", `((i - 1) % ${s.customers} + 1)`)},
          ${idSql("tag", `((i * 31) % ${s.tags} + 1)`)},
          timestamptz '${FIXTURE.base}' - ((i % 90) + 1) * interval '1 day' + ((i::bigint * 7919) % 86400) * interval '1 second',
          'line', ${idSql("conversation", `((i - 1) % ${s.customers} + 1)`)}, 'manual', '${FIXTURE.adminId}'
   from generate_series(1, ${s.applications}) i`,
  `insert into customer_tags (team_id, customer_id, tag_id, count)
   select team_id, customer_id, tag_id, count(*)::int from tag_applications group by team_id, customer_id, tag_id`,
  `update tags set uses = a.n from (select tag_id, count(*) as n from tag_applications group by tag_id) a
   where tags.id = a.tag_id`,
  "alter table tag_applications enable trigger tag_applications_count_use",
  `insert into messages (id, team_id, conversation_id, sender, agent_name, content, sent_at)
   select ${idSql("message", "i")}, '${FIXTURE.teamId}', ${idSql("conversation", "1")},
          case when i % 2 = 0 then 'agent' else 'customer' end,
          case when i % 2 = 0 then '客服 小美' else null end,
          '訊息 message number ' || i || case when i % 7 = 0 then ', with "quotes", commas' else '' end,
          timestamptz '${FIXTURE.base}' - ${s.messages} * interval '1 second' + i * interval '1 second'
   from generate_series(1, ${s.messages}) i`,
  // Visibility map and hint bits set now, statistics fresh: no autovacuum pass or first-read
  // hint-bit writes land inside a timed round, on either path.
  "vacuum analyze",
];

/** Generates the data set with generate_series; answers the wall time in ms. */
export const generateDataset = async (raw: RawQuery, scale: Scale): Promise<number> => {
  const started = performance.now();
  for (const statement of statements(scale)) await raw(statement);
  return performance.now() - started;
};
