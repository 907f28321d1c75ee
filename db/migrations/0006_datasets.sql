CREATE TYPE "public"."dataset_split" AS ENUM('train', 'validation', 'test');--> statement-breakpoint
CREATE TABLE "dataset_lines" (
	"dataset_id" uuid NOT NULL,
	"format" text NOT NULL,
	"seq" integer NOT NULL,
	"split" "dataset_split" NOT NULL,
	"item_id" bigint NOT NULL,
	"line" text NOT NULL,
	CONSTRAINT "dataset_lines_dataset_id_format_seq_pk" PRIMARY KEY("dataset_id","format","seq")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"filter" jsonb NOT NULL,
	"options" jsonb NOT NULL,
	"template" jsonb NOT NULL,
	"counts" jsonb NOT NULL,
	"stats" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_project_name_version_key" UNIQUE("project_id","name","version")
);
--> statement-breakpoint
CREATE TABLE "reviewer_pseudonyms" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"pseudonym" text NOT NULL,
	CONSTRAINT "reviewer_pseudonyms_project_id_user_id_pk" PRIMARY KEY("project_id","user_id"),
	CONSTRAINT "reviewer_pseudonyms_project_pseudonym_key" UNIQUE("project_id","pseudonym")
);
--> statement-breakpoint
ALTER TABLE "dataset_lines" ADD CONSTRAINT "dataset_lines_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_pseudonyms" ADD CONSTRAINT "reviewer_pseudonyms_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_pseudonyms" ADD CONSTRAINT "reviewer_pseudonyms_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "datasets_project_created_idx" ON "datasets" USING btree ("project_id","created_at");