CREATE TYPE "public"."dataset_state" AS ENUM('queued', 'building', 'ready', 'failed');--> statement-breakpoint
-- Hand-written: the snapshots made before builds became jobs are ready, and their hash covers version 1's scope (items and annotations); new rows default to 2 and queued.
ALTER TABLE "datasets" ADD COLUMN "content_hash_version" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "content_hash_version" SET DEFAULT 2;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "state" "dataset_state" DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "state" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "progress_done" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "progress_total" integer;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "message" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "finished_at" timestamp with time zone;
