import { Context, type Effect } from "effect";
import type { CsvEmail, EmailExportJob } from "../domain/email-export.js";
import type { NotFound, RateLimited } from "../domain/errors.js";

/** The email export outbox: written in the request's transaction, delivered by a worker. */
export class ExportOutbox extends Context.Tag("customer-panel/ExportOutbox")<
  ExportOutbox,
  {
    /**
     * Queues a job, or refuses writing nothing: RateLimited when the team's export limit is
     * spent; NotFound when the conversation is not the team's — including one a concurrent
     * delete erased first (issue 14 C), so the request answers like a missing id.
     */
    readonly enqueue: (job: EmailExportJob) => Effect.Effect<void, RateLimited | NotFound>;
  }
>() {}

/** Sends email (SMTP, a file for the demo, …). */
export class Mailer extends Context.Tag("customer-panel/Mailer")<
  Mailer,
  {
    /** Sends one email; fails with the transport's error. */
    readonly send: (email: CsvEmail) => Effect.Effect<void, Error>;
  }
>() {}
