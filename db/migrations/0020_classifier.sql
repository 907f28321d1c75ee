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
	"holdout" jsonb,
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
CREATE TABLE "machine_labels" (
	"item_id" bigint NOT NULL,
	"project_id" uuid NOT NULL,
	"question_key" text NOT NULL,
	"value" jsonb NOT NULL,
	"source" text NOT NULL,
	"confidence" real,
	"model_id" uuid,
	"llm_model" text,
	"prompt_version_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "machine_labels_item_id_question_key_pk" PRIMARY KEY("item_id","question_key"),
	CONSTRAINT "machine_labels_source_known" CHECK ("machine_labels"."source" in ('classifier', 'llm'))
);
--> statement-breakpoint
CREATE TABLE "routing_policies" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"high" double precision DEFAULT 0.9 NOT NULL,
	"low" double precision DEFAULT 0.5 NOT NULL,
	"spot_check" double precision DEFAULT 0.05 NOT NULL,
	"llm_provider_id" uuid,
	"llm_model" text,
	"llm_prompt_version_id" uuid,
	"llm_min_confidence" double precision,
	"require_top2" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_policies_thresholds" CHECK (0 <= "routing_policies"."low" and "routing_policies"."low" <= "routing_policies"."high" and "routing_policies"."high" <= 1),
	CONSTRAINT "routing_policies_spot_check" CHECK ("routing_policies"."spot_check" between 0 and 1)
);
--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "probabilities" jsonb;--> statement-breakpoint
ALTER TABLE "classifier_models" ADD CONSTRAINT "classifier_models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classifier_models" ADD CONSTRAINT "classifier_models_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classifier_settings" ADD CONSTRAINT "classifier_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_labels" ADD CONSTRAINT "machine_labels_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_labels" ADD CONSTRAINT "machine_labels_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_labels" ADD CONSTRAINT "machine_labels_model_id_classifier_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."classifier_models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_labels" ADD CONSTRAINT "machine_labels_prompt_version_id_prompt_versions_id_fk" FOREIGN KEY ("prompt_version_id") REFERENCES "public"."prompt_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_llm_provider_id_llm_providers_id_fk" FOREIGN KEY ("llm_provider_id") REFERENCES "public"."llm_providers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_llm_prompt_version_id_prompt_versions_id_fk" FOREIGN KEY ("llm_prompt_version_id") REFERENCES "public"."prompt_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "classifier_models_version_key" ON "classifier_models" USING btree ("project_id","question_key","version");--> statement-breakpoint
CREATE INDEX "classifier_models_open_idx" ON "classifier_models" USING btree ("state") WHERE "classifier_models"."state" in ('queued', 'training');--> statement-breakpoint
CREATE INDEX "machine_labels_project_idx" ON "machine_labels" USING btree ("project_id","question_key","source");--> statement-breakpoint
CREATE INDEX "suggestions_classifier_run_idx" ON "suggestions" USING btree ("run_id","item_id") WHERE "suggestions"."origin" = 'classifier';