ALTER TABLE "messages" ADD COLUMN "external_message_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "request_fingerprint" text;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_conversation_external_id_idx" ON "messages" USING btree ("conversation_id","external_message_id") WHERE "messages"."external_message_id" is not null;