CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TYPE "public"."feedback_score_kind" AS ENUM('thumbs', 'stars');--> statement-breakpoint
CREATE TYPE "public"."feedback_source" AS ENUM('end_user', 'reviewer');--> statement-breakpoint
CREATE TYPE "public"."theme_suggestion_state" AS ENUM('pending', 'accepted', 'rejected');--> statement-breakpoint
ALTER TYPE "public"."item_status" ADD VALUE 'held';--> statement-breakpoint
CREATE TABLE "coding_sample_coders" (
	"sample_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "coding_sample_coders_sample_id_user_id_pk" PRIMARY KEY("sample_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "coding_sample_items" (
	"sample_id" uuid NOT NULL,
	"feedback_id" bigint NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "coding_sample_items_sample_id_feedback_id_pk" PRIMARY KEY("sample_id","feedback_id")
);
--> statement-breakpoint
CREATE TABLE "coding_samples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "codings" (
	"feedback_id" bigint NOT NULL,
	"theme_id" uuid NOT NULL,
	"coder_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"memo" text DEFAULT '' NOT NULL,
	"quote_start" integer,
	"quote_end" integer,
	"origin" text DEFAULT 'human' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "codings_feedback_id_theme_id_coder_id_pk" PRIMARY KEY("feedback_id","theme_id","coder_id"),
	CONSTRAINT "codings_quote_range" CHECK (("codings"."quote_start" is null and "codings"."quote_end" is null) or (0 <= "codings"."quote_start" and "codings"."quote_start" < "codings"."quote_end"))
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "feedback_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" uuid NOT NULL,
	"source" "feedback_source" DEFAULT 'end_user' NOT NULL,
	"ingest_key_id" uuid,
	"client_id" text,
	"item_id" bigint,
	"trace_id" text,
	"external_id" text,
	"annotation_id" uuid,
	"question_key" text,
	"score_kind" "feedback_score_kind",
	"score" smallint,
	"comment" text DEFAULT '' NOT NULL,
	"comment_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english'::regconfig, comment)) STORED,
	"user_id" text,
	"segment" text,
	"model" text,
	"prompt_version" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"pii" jsonb,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_score_range" CHECK (("feedback"."score_kind" is null and "feedback"."score" is null)
      or ("feedback"."score_kind" = 'thumbs' and "feedback"."score" in (0, 1))
      or ("feedback"."score_kind" = 'stars' and "feedback"."score" between 1 and 5))
);
--> statement-breakpoint
CREATE TABLE "feedback_coded" (
	"feedback_id" bigint NOT NULL,
	"coder_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"coded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_coded_feedback_id_coder_id_pk" PRIMARY KEY("feedback_id","coder_id")
);
--> statement-breakpoint
CREATE TABLE "feedback_settings" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"redact_pii" boolean DEFAULT false NOT NULL,
	"retention_days" integer,
	"queue_sample_rate" real DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_settings_retention_range" CHECK ("feedback_settings"."retention_days" between 1 and 36500),
	CONSTRAINT "feedback_settings_sample_range" CHECK ("feedback_settings"."queue_sample_rate" between 0 and 1)
);
--> statement-breakpoint
CREATE TABLE "ingest_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"rate_per_minute" integer DEFAULT 600 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "ingest_keys_keyHash_unique" UNIQUE("key_hash"),
	CONSTRAINT "ingest_keys_rate_range" CHECK ("ingest_keys"."rate_per_minute" between 1 and 1000000)
);
--> statement-breakpoint
CREATE TABLE "quote_set_items" (
	"set_id" uuid NOT NULL,
	"feedback_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"quote_start" integer,
	"quote_end" integer,
	"note" text DEFAULT '' NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quote_set_items_set_id_feedback_id_pk" PRIMARY KEY("set_id","feedback_id"),
	CONSTRAINT "quote_set_items_quote_range" CHECK (("quote_set_items"."quote_start" is null and "quote_set_items"."quote_end" is null) or (0 <= "quote_set_items"."quote_start" and "quote_set_items"."quote_start" < "quote_set_items"."quote_end"))
);
--> statement-breakpoint
CREATE TABLE "quote_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "theme_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"feedback_id" bigint NOT NULL,
	"theme_id" uuid NOT NULL,
	"source" text NOT NULL,
	"rationale" text DEFAULT '' NOT NULL,
	"quote_start" integer,
	"quote_end" integer,
	"state" "theme_suggestion_state" DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "themes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"examples" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "coding_sample_coders" ADD CONSTRAINT "coding_sample_coders_sample_id_coding_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."coding_samples"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coding_sample_coders" ADD CONSTRAINT "coding_sample_coders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coding_sample_items" ADD CONSTRAINT "coding_sample_items_sample_id_coding_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."coding_samples"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coding_sample_items" ADD CONSTRAINT "coding_sample_items_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coding_samples" ADD CONSTRAINT "coding_samples_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coding_samples" ADD CONSTRAINT "coding_samples_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codings" ADD CONSTRAINT "codings_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codings" ADD CONSTRAINT "codings_theme_id_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."themes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codings" ADD CONSTRAINT "codings_coder_id_users_id_fk" FOREIGN KEY ("coder_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codings" ADD CONSTRAINT "codings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_ingest_key_id_ingest_keys_id_fk" FOREIGN KEY ("ingest_key_id") REFERENCES "public"."ingest_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_annotation_id_annotations_id_fk" FOREIGN KEY ("annotation_id") REFERENCES "public"."annotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_coded" ADD CONSTRAINT "feedback_coded_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_coded" ADD CONSTRAINT "feedback_coded_coder_id_users_id_fk" FOREIGN KEY ("coder_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_coded" ADD CONSTRAINT "feedback_coded_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_settings" ADD CONSTRAINT "feedback_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_keys" ADD CONSTRAINT "ingest_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_keys" ADD CONSTRAINT "ingest_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quote_set_items" ADD CONSTRAINT "quote_set_items_set_id_quote_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."quote_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quote_set_items" ADD CONSTRAINT "quote_set_items_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quote_set_items" ADD CONSTRAINT "quote_set_items_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quote_sets" ADD CONSTRAINT "quote_sets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quote_sets" ADD CONSTRAINT "quote_sets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "theme_suggestions" ADD CONSTRAINT "theme_suggestions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "theme_suggestions" ADD CONSTRAINT "theme_suggestions_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "theme_suggestions" ADD CONSTRAINT "theme_suggestions_theme_id_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."themes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "theme_suggestions" ADD CONSTRAINT "theme_suggestions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "themes" ADD CONSTRAINT "themes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "themes" ADD CONSTRAINT "themes_parent_id_themes_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."themes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "themes" ADD CONSTRAINT "themes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "coding_samples_project_idx" ON "coding_samples" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "codings_theme_idx" ON "codings" USING btree ("theme_id");--> statement-breakpoint
CREATE INDEX "codings_project_coder_idx" ON "codings" USING btree ("project_id","coder_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_client_id_key" ON "feedback" USING btree ("project_id","client_id") WHERE "feedback"."client_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_annotation_question_key" ON "feedback" USING btree ("annotation_id","question_key") WHERE "feedback"."annotation_id" is not null;--> statement-breakpoint
CREATE INDEX "feedback_project_occurred_idx" ON "feedback" USING btree ("project_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_project_user_idx" ON "feedback" USING btree ("project_id","user_id") WHERE "feedback"."user_id" is not null;--> statement-breakpoint
CREATE INDEX "feedback_item_idx" ON "feedback" USING btree ("item_id") WHERE "feedback"."item_id" is not null;--> statement-breakpoint
CREATE INDEX "feedback_comment_tsv_idx" ON "feedback" USING gin ("comment_tsv");--> statement-breakpoint
CREATE INDEX "feedback_comment_trgm_idx" ON "feedback" USING gin ("comment" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "feedback_coded_project_idx" ON "feedback_coded" USING btree ("project_id","coder_id");--> statement-breakpoint
CREATE INDEX "ingest_keys_project_idx" ON "ingest_keys" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "quote_sets_project_idx" ON "quote_sets" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "theme_suggestions_feedback_theme_key" ON "theme_suggestions" USING btree ("feedback_id","theme_id");--> statement-breakpoint
CREATE INDEX "theme_suggestions_project_pending_idx" ON "theme_suggestions" USING btree ("project_id","created_at") WHERE "theme_suggestions"."state" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "themes_project_name_key" ON "themes" USING btree ("project_id",lower("name"));--> statement-breakpoint
CREATE INDEX "themes_parent_idx" ON "themes" USING btree ("parent_id");