// The baseline's hand-written SQL, shared by the in-process rows (operations.ts) and the
// minimal HTTP server of the end-to-end rows (server-load/baseline-server.ts).

/** `panel.get` by hand: the conversation with customer, identity, team and assignee; its tags. */
export const PANEL_SQL = [
  `select cv.*, i.*, c.*, tm.*, m.name as assignee_name
   from conversations cv
   join identities i on i.team_id = cv.team_id and i.id = cv.identity_id
   join customers c on c.team_id = cv.team_id and c.id = cv.customer_id
   join teams tm on tm.id = cv.team_id
   left join members m on m.team_id = cv.team_id and m.id = cv.assignee_id
   where cv.team_id = $1 and cv.id = $2`,
  `select t.id, t.name, ct.count from customer_tags ct
   join tags t on t.team_id = ct.team_id and t.id = ct.tag_id
   join conversations cv on cv.customer_id = ct.customer_id
   where cv.team_id = $1 and cv.id = $2 and ct.count > 0 order by t.name`,
];

/**
 * One confirmed application in one statement. tags.uses follows from the application row by
 * the schema's commit-time trigger, as it does for the library.
 */
export const RAW_APPLY_SQL = `with a as (
    insert into tag_applications (id, team_id, customer_id, tag_id, applied_at, channel, conversation_id, method, member_id)
    values (gen_random_uuid(), $1, $2, $3, now(), 'line', $4, 'manual', $5))
  insert into customer_tags (team_id, customer_id, tag_id, count) values ($1, $2, $3, 1)
  on conflict (customer_id, tag_id) do update set count = customer_tags.count + 1`;

/** The credential look-up of every request: the library's `findActiveCredential`, by hand. */
export const CREDENTIAL_SQL = `select c.id, c.team_id, c.kind, c.client, m.id as member_id, m.name as member_name, m.role
  from credentials c
  left join members m on m.team_id = c.team_id and m.id = c.member_id
  where c.secret_hash = $1 and c.revoked_at is null limit 1`;

/** `events.list`: the conversation is the team's… */
export const CONVERSATION_OF_TEAM_SQL = `select id from conversations where team_id = $1 and id = $2`;

/** …then one page of its log, newest first, one more than the page to tell a next one. */
export const EVENTS_PAGE_SQL = `select id, type, detail, member_id, member_name, at, seq from conversation_events
  where team_id = $1 and conversation_id = $2 order by seq desc limit $3`;

/** `tags.apply` names the tag: its id by the case-folded key. */
export const TAG_BY_KEY_SQL = `select id from tags where team_id = $1 and key = $2`;

/** A tag created the first time its name is applied (a race creates it once). */
export const CREATE_TAG_SQL = `insert into tags (id, team_id, name, key) values (gen_random_uuid(), $1, $2, $3)
  on conflict (team_id, key) do nothing`;
