CREATE TYPE "public"."resolution_method" AS ENUM('majority', 'mean', 'overlap', 'single', 'adjudicated');--> statement-breakpoint
CREATE TYPE "public"."resolution_status" AS ENUM('resolved', 'unresolved');--> statement-breakpoint
CREATE TABLE "resolutions" (
	"item_id" bigint NOT NULL,
	"project_id" uuid NOT NULL,
	"question_key" text NOT NULL,
	"status" "resolution_status" NOT NULL,
	"value" jsonb,
	"method" "resolution_method" NOT NULL,
	"agreement" real,
	"annotation_count" integer NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"adjudicated_by" uuid,
	"adjudicated_at" timestamp with time zone,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resolutions_item_id_question_key_pk" PRIMARY KEY("item_id","question_key")
);
--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "resolutions" ADD CONSTRAINT "resolutions_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolutions" ADD CONSTRAINT "resolutions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolutions" ADD CONSTRAINT "resolutions_adjudicated_by_users_id_fk" FOREIGN KEY ("adjudicated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resolutions_project_question_idx" ON "resolutions" USING btree ("project_id","question_key","status");--> statement-breakpoint
CREATE INDEX "items_project_resolved_idx" ON "items" USING btree ("project_id","id") WHERE "items"."resolved_at" is not null;