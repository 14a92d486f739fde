import type { MemberId } from "./ids.js";

/** Who did something, for logs and audit. */
export interface Author {
  readonly memberId: MemberId | null;
  readonly memberName: string | null;
}
