import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { XLSX_CONTENT_TYPE } from "@customer-panel/core";
import type { CsvEmail, EmailAttachment, Mailer } from "@customer-panel/core/adapter";
import { type Context, Effect } from "effect";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { zipWorkbook } from "./xlsx-zip.js";

/** The Mailer port (core), as the host provides it. */
export type MailerService = Context.Tag.Service<typeof Mailer>;

/** A mailer holding a transport that should be closed when the host stops. */
export interface ClosableMailer extends MailerService {
  /** Closes pooled connections, if any. */
  readonly close: () => void;
}

const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

const asError = (cause: unknown): Error =>
  cause instanceof Error ? cause : new Error(String(cause));

async function* utf8Buffers(chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk, "utf8");
}

/** An attachment's bytes, streamed: the CSV's text as UTF-8, or the workbook zipped. */
export const attachmentBytes = (attachment: EmailAttachment): AsyncIterable<Buffer> =>
  "workbook" in attachment ? zipWorkbook(attachment.workbook) : utf8Buffers(attachment.content);

const collect = async (chunks: AsyncIterable<Buffer>): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const part of chunks) parts.push(part);
  return Buffer.concat(parts);
};

const MESSAGE_ID_PART = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * `<export-<reference>@<domain of from>>`: one Message-ID for every attempt to send one
 * export, so a copy sent again after a crash (the worker died after the SMTP server
 * accepted it, before the outbox row was marked sent) can be recognised and dropped by
 * the receiver. No reference (or an unusable one): nodemailer makes a fresh one.
 */
export const stableMessageId = (
  from: string,
  reference: string | undefined,
): string | undefined => {
  if (reference === undefined || !MESSAGE_ID_PART.test(reference)) return undefined;
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? "customer-panel.invalid";
  return `<export-${reference}@${domain}>`;
};

const messageOf = (from: string, email: CsvEmail, content: Buffer | Readable) => {
  const messageId = stableMessageId(from, email.reference);
  return {
    from,
    ...(messageId !== undefined && { messageId }),
    to: email.to,
    subject: email.subject,
    text: email.text,
    attachments: [
      // A CSV's text already starts with the BOM (R4): spreadsheets read the Chinese correctly.
      {
        filename: basename(email.attachment.fileName),
        content,
        contentType: "workbook" in email.attachment ? XLSX_CONTENT_TYPE : CSV_CONTENT_TYPE,
      },
    ],
  };
};

/**
 * Sends exports over SMTP with nodemailer. The CSV or XLSX attachment is streamed from the
 * transcript as the message is sent, so memory does not grow with the conversation.
 */
export const smtpMailer = (
  transport: SMTPTransport.Options | string,
  options: { readonly from: string },
): ClosableMailer => {
  const transporter = nodemailer.createTransport(transport);
  return {
    send: (email) =>
      Effect.tryPromise({
        try: async () => {
          await transporter.sendMail(
            messageOf(options.from, email, Readable.from(attachmentBytes(email.attachment))),
          );
        },
        catch: asError,
      }),
    close: () => transporter.close(),
  };
};

/**
 * For the demo: writes each email as an RFC 822 `.eml` file (rendered by nodemailer) and
 * its attachment (CSV or XLSX) beside it, in `dir`, instead of sending anything.
 */
export const fileMailer = (
  dir: string,
  options: { readonly from?: string } = {},
): ClosableMailer => {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const from = options.from ?? "customer-panel@localhost";
  return {
    send: (email) =>
      Effect.tryPromise({
        try: async () => {
          await mkdir(dir, { recursive: true });
          const file = await collect(attachmentBytes(email.attachment));
          const info = await transporter.sendMail(messageOf(from, email, file));
          const stem = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
          await writeFile(join(dir, `${stem}.eml`), info.message as Buffer);
          await writeFile(join(dir, `${stem}-${basename(email.attachment.fileName)}`), file);
        },
        catch: asError,
      }),
    close: () => transporter.close(),
  };
};
