CREATE TYPE "public"."item_order" AS ENUM('priority', 'random');--> statement-breakpoint
CREATE TYPE "public"."annotation_status" AS ENUM('draft', 'submitted');--> statement-breakpoint
CREATE TYPE "public"."assignment_state" AS ENUM('leased', 'submitted', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."item_status" AS ENUM('open', 'done');--> statement-breakpoint
CREATE TABLE "annotation_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "annotation_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"annotation_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" "annotation_status" NOT NULL,
	"values" jsonb NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "annotations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" bigint NOT NULL,
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"template_version" integer NOT NULL,
	"values" jsonb NOT NULL,
	"status" "annotation_status" DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"idempotency_key" text,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	CONSTRAINT "annotations_item_user_key" UNIQUE("item_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" bigint NOT NULL,
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"state" "assignment_state" DEFAULT 'leased' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"skip_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignments_item_user_key" UNIQUE("item_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" uuid NOT NULL,
	"external_id" text,
	"content_hash" text NOT NULL,
	"input" jsonb NOT NULL,
	"outputs" jsonb NOT NULL,
	"reference" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text DEFAULT 'api' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"random_key" integer DEFAULT (floor(random() * 2147483647))::int NOT NULL,
	"status" "item_status" DEFAULT 'open' NOT NULL,
	"submitted_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_templates" (
	"project_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"questions" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_templates_projectId_version_unique" UNIQUE("project_id","version")
);
--> statement-breakpoint
CREATE TABLE "suggestions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "suggestions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"item_id" bigint NOT NULL,
	"question_key" text NOT NULL,
	"value" jsonb NOT NULL,
	"confidence" real,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "guidelines" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "overlap" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "lease_minutes" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "item_order" "item_order" DEFAULT 'priority' NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "template_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "annotation_history" ADD CONSTRAINT "annotation_history_annotation_id_annotations_id_fk" FOREIGN KEY ("annotation_id") REFERENCES "public"."annotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotation_history" ADD CONSTRAINT "annotation_history_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_templates" ADD CONSTRAINT "review_templates_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_templates" ADD CONSTRAINT "review_templates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "annotation_history_annotation_id_version_index" ON "annotation_history" USING btree ("annotation_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "annotations_user_idempotency_key" ON "annotations" USING btree ("user_id","idempotency_key") WHERE "annotations"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "annotations_user_recent_idx" ON "annotations" USING btree ("user_id","project_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "annotations_project_submitted_idx" ON "annotations" USING btree ("project_id","submitted_at");--> statement-breakpoint
CREATE INDEX "assignments_live_leases_idx" ON "assignments" USING btree ("item_id","expires_at") WHERE "assignments"."state" = 'leased';--> statement-breakpoint
CREATE INDEX "assignments_user_project_idx" ON "assignments" USING btree ("user_id","project_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "items_project_external_id_key" ON "items" USING btree ("project_id","external_id") WHERE "items"."external_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "items_project_content_hash_key" ON "items" USING btree ("project_id","content_hash") WHERE "items"."external_id" is null;--> statement-breakpoint
CREATE INDEX "items_queue_priority_idx" ON "items" USING btree ("project_id","priority" DESC NULLS LAST,"id") WHERE "items"."status" = 'open';--> statement-breakpoint
CREATE INDEX "items_queue_random_idx" ON "items" USING btree ("project_id","random_key","id") WHERE "items"."status" = 'open';--> statement-breakpoint
CREATE INDEX "suggestions_item_id_index" ON "suggestions" USING btree ("item_id");--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_overlap_range" CHECK ("projects"."overlap" between 1 and 10);--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_lease_minutes_range" CHECK ("projects"."lease_minutes" between 1 and 1440);