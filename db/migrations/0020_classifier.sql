CREATE TYPE "public"."classifier_model_state" AS ENUM('queued', 'training', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "classifier_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"question_key" text NOT NULL,
	"version" integer NOT NULL,
	"state" "classifier_model_state" DEFAULT 'queued' NOT NULL,
	"trigger" text DEFAULT 'manual' NOT NULL,
	"include_llm" boolean DEFAULT false NOT NULL,
	"label_count" integer DEFAULT 0 NOT NULL,
	"summary" jsonb,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"evaluation" jsonb,
	"model" "bytea",
	"predicted" integer DEFAULT 0 NOT NULL,
	"training_ms" integer,
	"predict_ms" integer,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message" text,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "classifier_models_trigger_known" CHECK ("classifier_models"."trigger" in ('manual', 'auto'))
);
--> statement-breakpoint
CREATE TABLE "classifier_settings" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"question_key" text NOT NULL,
	"include_llm" boolean DEFAULT false NOT NULL,
	"retrain_every" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "classifier_settings_retrain_every_positive" CHECK ("classifier_settings"."retrain_every" is null or "classifier_settings"."retrain_every" > 0)
);
--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "probabilities" jsonb;--> statement-breakpoint
ALTER TABLE "classifier_models" ADD CONSTRAINT "classifier_models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classifier_models" ADD CONSTRAINT "classifier_models_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classifier_settings" ADD CONSTRAINT "classifier_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "classifier_models_version_key" ON "classifier_models" USING btree ("project_id","question_key","version");--> statement-breakpoint
CREATE INDEX "classifier_models_open_idx" ON "classifier_models" USING btree ("state") WHERE "classifier_models"."state" in ('queued', 'training');