CREATE TABLE "carts" (
	"team_id" uuid NOT NULL,
	"website_member_id" text NOT NULL,
	"currency" text NOT NULL,
	"items" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "carts_team_id_website_member_id_pk" PRIMARY KEY("team_id","website_member_id")
);
--> statement-breakpoint
CREATE TABLE "conversation_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"type" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"member_id" uuid,
	"member_name" text,
	"at" timestamp with time zone NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "conversation_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"identity_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"assignee_id" uuid,
	"presence_online" boolean DEFAULT false NOT NULL,
	"presence_page_url" text,
	"presence_page_title" text,
	"presence_since" timestamp with time zone,
	"last_exported_at" timestamp with time zone,
	"last_message_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversations_identityId_unique" UNIQUE("identity_id"),
	CONSTRAINT "conversations_team_id_id_key" UNIQUE("team_id","id"),
	CONSTRAINT "conversations_state_check" CHECK ("conversations"."state" in ('pending','in_progress','closed')),
	CONSTRAINT "conversations_presence_check" CHECK ("conversations"."presence_page_url" is null or ("conversations"."presence_online" and "conversations"."channel" = 'webchat'))
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"member_id" uuid,
	"client" text,
	"secret_hash" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "credentials_secretHash_unique" UNIQUE("secret_hash"),
	CONSTRAINT "credentials_kind_check" CHECK ("credentials"."kind" in ('member','integration')),
	CONSTRAINT "credentials_member_check" CHECK (("credentials"."kind" = 'integration' and "credentials"."member_id" is null) or ("credentials"."kind" = 'member' and "credentials"."member_id" is not null and "credentials"."client" in ('web','app','api')))
);
--> statement-breakpoint
CREATE TABLE "customer_tags" (
	"team_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "customer_tags_customer_id_tag_id_pk" PRIMARY KEY("customer_id","tag_id"),
	CONSTRAINT "customer_tags_count_check" CHECK ("customer_tags"."count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"display_name" text NOT NULL,
	"email" text,
	"phone" text,
	"note" text,
	"member_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_team_id_id_key" UNIQUE("team_id","id")
);
--> statement-breakpoint
CREATE TABLE "deletion_tombstones" (
	"team_id" uuid NOT NULL,
	"erased_conversation_id" uuid NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"deleted_by_member_id" uuid,
	"deleted_by_name" text,
	"messages" integer NOT NULL,
	"events" integer NOT NULL,
	"pending_exports" integer NOT NULL,
	CONSTRAINT "deletion_tombstones_team_id_erased_conversation_id_pk" PRIMARY KEY("team_id","erased_conversation_id")
);
--> statement-breakpoint
CREATE TABLE "email_exports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"requested_by_member_id" uuid,
	"requested_by_name" text,
	"requested_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	CONSTRAINT "email_exports_status_check" CHECK ("email_exports"."status" in ('pending','sent','failed'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"team_id" uuid NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"application_id" uuid NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_team_id_key_pk" PRIMARY KEY("team_id","key")
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"wa_id" text,
	"business_scoped_id" text,
	"website_member_id" text,
	"bound_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identities_team_channel_external_key" UNIQUE("team_id","channel","external_id"),
	CONSTRAINT "identities_team_id_id_key" UNIQUE("team_id","id"),
	CONSTRAINT "identities_channel_check" CHECK ("identities"."channel" in ('line','facebook','instagram','whatsapp','webchat'))
);
--> statement-breakpoint
CREATE TABLE "member_preferences" (
	"team_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"panel_hidden" boolean DEFAULT false NOT NULL,
	CONSTRAINT "member_preferences_team_id_member_id_pk" PRIMARY KEY("team_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_team_id_id_key" UNIQUE("team_id","id"),
	CONSTRAINT "members_role_check" CHECK ("members"."role" in ('admin','supervisor','cs_manager','cs_agent','sales_manager','sales'))
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"sender" text NOT NULL,
	"agent_id" uuid,
	"agent_name" text,
	"content" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "messages_sender_check" CHECK ("messages"."sender" in ('bot','customer','agent'))
);
--> statement-breakpoint
CREATE TABLE "omo_bindings" (
	"team_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"omo_member_id" text NOT NULL,
	"bound_at" timestamp with time zone NOT NULL,
	CONSTRAINT "omo_bindings_team_id_customer_id_pk" PRIMARY KEY("team_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"team_id" uuid NOT NULL,
	"order_id" text NOT NULL,
	"website_member_id" text NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"currency" text NOT NULL,
	"total" bigint NOT NULL,
	"items" jsonb NOT NULL,
	CONSTRAINT "orders_team_id_order_id_pk" PRIMARY KEY("team_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "profile_audit" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"member_id" uuid,
	"member_name" text,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tag_applications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"channel" text,
	"conversation_id" uuid,
	"method" text NOT NULL,
	"member_id" uuid,
	CONSTRAINT "tag_applications_method_check" CHECK ("tag_applications"."method" in ('manual','auto_reply','broadcast','automation','api','import'))
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key" text NOT NULL,
	"uses" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tags_team_key_key" UNIQUE("team_id","key"),
	CONSTRAINT "tags_team_id_id_key" UNIQUE("team_id","id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'Asia/Taipei' NOT NULL,
	"feature_pixel" boolean DEFAULT false NOT NULL,
	"feature_omo" boolean DEFAULT false NOT NULL,
	"feature_conversation_export" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "carts" ADD CONSTRAINT "carts_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_events" ADD CONSTRAINT "conversation_events_team_id_conversation_id_conversations_team_id_id_fk" FOREIGN KEY ("team_id","conversation_id") REFERENCES "public"."conversations"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_team_id_customer_id_customers_team_id_id_fk" FOREIGN KEY ("team_id","customer_id") REFERENCES "public"."customers"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_team_id_identity_id_identities_team_id_id_fk" FOREIGN KEY ("team_id","identity_id") REFERENCES "public"."identities"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_team_id_assignee_id_members_team_id_id_fk" FOREIGN KEY ("team_id","assignee_id") REFERENCES "public"."members"("team_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_team_id_member_id_members_team_id_id_fk" FOREIGN KEY ("team_id","member_id") REFERENCES "public"."members"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_team_id_customer_id_customers_team_id_id_fk" FOREIGN KEY ("team_id","customer_id") REFERENCES "public"."customers"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_team_id_tag_id_tags_team_id_id_fk" FOREIGN KEY ("team_id","tag_id") REFERENCES "public"."tags"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deletion_tombstones" ADD CONSTRAINT "deletion_tombstones_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_exports" ADD CONSTRAINT "email_exports_team_id_conversation_id_conversations_team_id_id_fk" FOREIGN KEY ("team_id","conversation_id") REFERENCES "public"."conversations"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_team_id_customer_id_customers_team_id_id_fk" FOREIGN KEY ("team_id","customer_id") REFERENCES "public"."customers"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_preferences" ADD CONSTRAINT "member_preferences_team_id_member_id_members_team_id_id_fk" FOREIGN KEY ("team_id","member_id") REFERENCES "public"."members"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_team_id_conversation_id_conversations_team_id_id_fk" FOREIGN KEY ("team_id","conversation_id") REFERENCES "public"."conversations"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "omo_bindings" ADD CONSTRAINT "omo_bindings_team_id_customer_id_customers_team_id_id_fk" FOREIGN KEY ("team_id","customer_id") REFERENCES "public"."customers"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_audit" ADD CONSTRAINT "profile_audit_team_id_customer_id_customers_team_id_id_fk" FOREIGN KEY ("team_id","customer_id") REFERENCES "public"."customers"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_applications" ADD CONSTRAINT "tag_applications_team_id_customer_id_customers_team_id_id_fk" FOREIGN KEY ("team_id","customer_id") REFERENCES "public"."customers"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_applications" ADD CONSTRAINT "tag_applications_team_id_tag_id_tags_team_id_id_fk" FOREIGN KEY ("team_id","tag_id") REFERENCES "public"."tags"("team_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_applications" ADD CONSTRAINT "tag_applications_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_events_conversation_seq_idx" ON "conversation_events" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE INDEX "conversations_customer_idx" ON "conversations" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customers_team_member_idx" ON "customers" USING btree ("team_id","member_id");--> statement-breakpoint
CREATE INDEX "customers_display_name_trgm_idx" ON "customers" USING gin ("display_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "email_exports_pending_idx" ON "email_exports" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "identities_customer_idx" ON "identities" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "identities_team_website_member_idx" ON "identities" USING btree ("team_id","website_member_id");--> statement-breakpoint
CREATE INDEX "messages_conversation_sent_idx" ON "messages" USING btree ("conversation_id","sent_at","id");--> statement-breakpoint
CREATE INDEX "messages_content_trgm_idx" ON "messages" USING gin ("content" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orders_team_member_placed_idx" ON "orders" USING btree ("team_id","website_member_id","placed_at");--> statement-breakpoint
CREATE INDEX "profile_audit_customer_idx" ON "profile_audit" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "tag_applications_team_applied_idx" ON "tag_applications" USING btree ("team_id","applied_at","id");--> statement-breakpoint
CREATE INDEX "tag_applications_customer_tag_idx" ON "tag_applications" USING btree ("customer_id","tag_id","applied_at");--> statement-breakpoint
CREATE INDEX "tag_applications_conversation_idx" ON "tag_applications" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "tags_key_trgm_idx" ON "tags" USING gin ("key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tags_team_key_prefix_idx" ON "tags" USING btree ("team_id","key" text_pattern_ops);