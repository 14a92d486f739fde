import { Context, type Effect } from "effect";
import type { ConversationPage } from "../domain/conversation-summary.js";
import type { TeamId } from "../domain/ids.js";
import type { Member } from "../domain/model.js";

/**
 * What a UI needs to move around a team (N1, N2): its recent conversations and its members.
 * Every read is scoped to the team; another team's rows never appear.
 */
export class Navigation extends Context.Tag("customer-panel/Navigation")<
  Navigation,
  {
    /**
     * N1: the team's conversations, most recent activity (last message, else creation) first,
     * ties by id; `cursor` is the `nextCursor` of the previous page. A cursor the adapter never
     * issued answers an empty page.
     */
    readonly recentConversations: (
      teamId: TeamId,
      page: { readonly cursor: string | null; readonly limit: number },
    ) => Effect.Effect<ConversationPage>;
    /** N2: the team's members, by name then id. */
    readonly members: (teamId: TeamId) => Effect.Effect<readonly Member[]>;
  }
>() {}
