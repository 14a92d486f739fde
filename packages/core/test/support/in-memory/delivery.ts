import { Effect, Layer } from "effect";
import {
  ChangeFeed,
  type EmailAttachment,
  ExportOutbox,
  IdSource,
  Mailer,
} from "../../../src/adapter.js";
import type { InMemoryState } from "./state.js";

const drain = async (chunks: AsyncIterable<string>): Promise<string> => {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
};

/** A CSV attachment's text, or an XLSX attachment's parts' XML one after another (no ZIP here). */
const contentOf = async (attachment: EmailAttachment): Promise<string> => {
  if ("content" in attachment) return drain(attachment.content);
  let xml = "";
  for (const part of attachment.workbook.parts) {
    xml += typeof part.xml === "string" ? part.xml : await drain(part.xml);
  }
  return xml;
};

/** ExportOutbox, Mailer, ChangeFeed and IdSource over the in-memory state. */
export const deliveryLayer = (state: InMemoryState, nextUuid: () => string) =>
  Layer.mergeAll(
    Layer.succeed(ExportOutbox, {
      enqueue: (job) => Effect.sync(() => void state.outbox.push(job)),
    }),
    Layer.succeed(Mailer, {
      send: (email) =>
        Effect.gen(function* () {
          const failure = state.control.mailerFails;
          if (failure !== null) return yield* Effect.fail(failure);
          const content = yield* Effect.tryPromise({
            try: () => contentOf(email.attachment),
            catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause))),
          });
          state.sentEmails.push({
            to: email.to,
            subject: email.subject,
            text: email.text,
            fileName: email.attachment.fileName,
            content,
          });
        }),
    }),
    Layer.succeed(ChangeFeed, {
      publish: (change) => Effect.sync(() => void state.changes.push(change)),
    }),
    Layer.succeed(IdSource, { uuid: Effect.sync(nextUuid) }),
  );
