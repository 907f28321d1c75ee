CREATE TYPE "public"."dataset_state" AS ENUM('queued', 'building', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "dataset_build_progress" (
	"dataset_id" uuid PRIMARY KEY NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dataset_item_chunks" (
	"dataset_id" uuid NOT NULL,
	"chunk" integer NOT NULL,
	"lines" text NOT NULL,
	CONSTRAINT "dataset_item_chunks_dataset_id_chunk_pk" PRIMARY KEY("dataset_id","chunk")
);
--> statement-breakpoint
-- Hand-written: a chunk of frozen items is written once and read whole; compressing it (pglz) cost three times the write itself.
ALTER TABLE "dataset_item_chunks" ALTER COLUMN "lines" SET STORAGE EXTERNAL;--> statement-breakpoint
-- Hand-written: the snapshots made before builds became jobs are ready, and their hash keeps version 1's meaning (items and annotations only); new rows default to 2 and queued.
ALTER TABLE "datasets" ADD COLUMN "content_hash_version" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "content_hash_version" SET DEFAULT 2;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "state" "dataset_state" DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "state" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "message" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dataset_build_progress" ADD CONSTRAINT "dataset_build_progress_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Hand-written: dataset_lines loses its foreign key (a per-row check doubled the cost of a snapshot's writes; see ADR 0010); deleting datasets, also by cascade from their project, deletes their lines and item chunks.
ALTER TABLE "dataset_lines" DROP CONSTRAINT "dataset_lines_dataset_id_datasets_id_fk";--> statement-breakpoint
CREATE OR REPLACE FUNCTION loupe_delete_dataset_lines() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM dataset_lines WHERE dataset_id IN (SELECT id FROM gone);
  DELETE FROM dataset_item_chunks WHERE dataset_id IN (SELECT id FROM gone);
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE TRIGGER datasets_delete_lines AFTER DELETE ON datasets REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION loupe_delete_dataset_lines();
