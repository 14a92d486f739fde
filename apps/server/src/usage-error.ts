/** A command line that can not run: a missing or bad option (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
