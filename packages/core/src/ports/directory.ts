import { Context, type Effect } from "effect";
import type { MemberId, TeamId } from "../domain/ids.js";
import type { Member, Team } from "../domain/model.js";

/** Team and member look-ups. */
export class Directory extends Context.Tag("customer-panel/Directory")<
  Directory,
  {
    /** The team, or null. */
    readonly team: (teamId: TeamId) => Effect.Effect<Team | null>;
    /** A member of the team, or null (another team's member is null too). */
    readonly member: (teamId: TeamId, memberId: MemberId) => Effect.Effect<Member | null>;
  }
>() {}

/** Per-member preferences (P5). */
export class Preferences extends Context.Tag("customer-panel/Preferences")<
  Preferences,
  {
    /** Remembers whether the member hides the profile panel. */
    readonly setPanelHidden: (
      teamId: TeamId,
      memberId: MemberId,
      hidden: boolean,
    ) => Effect.Effect<void>;
  }
>() {}
