CREATE TABLE "download_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"credential_id" uuid,
	"client" text NOT NULL,
	"request" jsonb NOT NULL,
	"file_name" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"uses" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "export_takes" (
	"team_id" uuid NOT NULL,
	"taken_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "download_links" ADD CONSTRAINT "download_links_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_links" ADD CONSTRAINT "download_links_team_id_member_id_members_team_id_id_fk" FOREIGN KEY ("team_id","member_id") REFERENCES "public"."members"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_takes" ADD CONSTRAINT "export_takes_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "download_links_expires_idx" ON "download_links" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "export_takes_team_taken_idx" ON "export_takes" USING btree ("team_id","taken_at");