CREATE TYPE "public"."llm_run_item_state" AS ENUM('pending', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."llm_run_kind" AS ENUM('generate', 'judge');--> statement-breakpoint
CREATE TYPE "public"."llm_run_state" AS ENUM('queued', 'running', 'done', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "llm_outputs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "llm_outputs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"item_id" bigint NOT NULL,
	"model" text NOT NULL,
	"prompt_version_id" uuid NOT NULL,
	"run_id" uuid,
	"provider_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "llm_run_items" (
	"run_id" uuid NOT NULL,
	"item_id" bigint NOT NULL,
	"state" "llm_run_item_state" DEFAULT 'pending' NOT NULL,
	"claimed_by" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"latency_ms" integer,
	"tokens_in" integer,
	"tokens_out" integer,
	"cost_usd" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_run_items_run_id_item_id_pk" PRIMARY KEY("run_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "llm_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"kind" "llm_run_kind" NOT NULL,
	"provider_id" uuid NOT NULL,
	"model" text NOT NULL,
	"prompt_version_id" uuid NOT NULL,
	"filter" jsonb NOT NULL,
	"params" jsonb NOT NULL,
	"budget_usd" double precision,
	"state" "llm_run_state" DEFAULT 'queued' NOT NULL,
	"message" text,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"cost_unknown_calls" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_runs_budget_positive" CHECK ("llm_runs"."budget_usd" is null or "llm_runs"."budget_usd" > 0)
);
--> statement-breakpoint
ALTER TABLE "llm_providers" ALTER COLUMN "max_concurrency" SET DEFAULT 4;--> statement-breakpoint
ALTER TABLE "llm_outputs" ADD CONSTRAINT "llm_outputs_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_outputs" ADD CONSTRAINT "llm_outputs_prompt_version_id_prompt_versions_id_fk" FOREIGN KEY ("prompt_version_id") REFERENCES "public"."prompt_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_outputs" ADD CONSTRAINT "llm_outputs_run_id_llm_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."llm_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_outputs" ADD CONSTRAINT "llm_outputs_provider_id_llm_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."llm_providers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_run_items" ADD CONSTRAINT "llm_run_items_run_id_llm_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."llm_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_run_items" ADD CONSTRAINT "llm_run_items_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_runs" ADD CONSTRAINT "llm_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_runs" ADD CONSTRAINT "llm_runs_provider_id_llm_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."llm_providers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_runs" ADD CONSTRAINT "llm_runs_prompt_version_id_prompt_versions_id_fk" FOREIGN KEY ("prompt_version_id") REFERENCES "public"."prompt_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_runs" ADD CONSTRAINT "llm_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "llm_outputs_item_model_prompt_key" ON "llm_outputs" USING btree ("item_id","model","prompt_version_id");--> statement-breakpoint
CREATE INDEX "llm_run_items_open_idx" ON "llm_run_items" USING btree ("run_id","item_id") WHERE "llm_run_items"."state" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX "llm_run_items_failed_idx" ON "llm_run_items" USING btree ("run_id","item_id") WHERE "llm_run_items"."state" = 'failed';--> statement-breakpoint
CREATE INDEX "llm_runs_project_created_idx" ON "llm_runs" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "suggestions_llm_answer_key" ON "suggestions" USING btree ("item_id","question_key","prompt_version_id","model") WHERE "suggestions"."origin" = 'llm';