/** The first answer given under an idempotency key, and what that request stood for. */
export interface RememberedAnswer<A> {
  readonly fingerprint: string;
  readonly answer: A;
}
