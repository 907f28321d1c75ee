CREATE TYPE "public"."dataset_state" AS ENUM('queued', 'building', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "dataset_build_progress" (
	"dataset_id" uuid PRIMARY KEY NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Hand-written: the snapshots made before builds became jobs are ready, and their hash keeps version 1's meaning (items and annotations only); new rows default to 2 and queued.
ALTER TABLE "datasets" ADD COLUMN "content_hash_version" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "content_hash_version" SET DEFAULT 2;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "state" "dataset_state" DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "state" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "message" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dataset_build_progress" ADD CONSTRAINT "dataset_build_progress_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;
