CREATE TABLE "panel_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "panel_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"team_id" uuid NOT NULL,
	"conversation_id" uuid,
	"customer_id" uuid,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "panel_changes_kind_check" CHECK ("panel_changes"."kind" in ('presence','profile','tags','status','state','message','exported','omo'))
);
--> statement-breakpoint
ALTER TABLE "panel_changes" ADD CONSTRAINT "panel_changes_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "panel_changes" ADD CONSTRAINT "panel_changes_team_id_conversation_id_conversations_team_id_id_fk" FOREIGN KEY ("team_id","conversation_id") REFERENCES "public"."conversations"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "panel_changes_team_id_idx" ON "panel_changes" USING btree ("team_id","id");--> statement-breakpoint
CREATE INDEX "panel_changes_conversation_idx" ON "panel_changes" USING btree ("conversation_id");