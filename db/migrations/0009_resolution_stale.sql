CREATE TABLE "resolution_stale" (
	"item_id" bigint PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resolution_stale_projects" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"after_item" bigint DEFAULT 0 NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "resolution_stale" ADD CONSTRAINT "resolution_stale_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolution_stale" ADD CONSTRAINT "resolution_stale_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolution_stale_projects" ADD CONSTRAINT "resolution_stale_projects_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resolution_stale_project_idx" ON "resolution_stale" USING btree ("project_id","item_id");--> statement-breakpoint
CREATE INDEX "resolutions_disagreement_idx" ON "resolutions" USING btree ("project_id","item_id") WHERE "resolutions"."method" <> 'adjudicated' and ("resolutions"."status" = 'unresolved' or "resolutions"."agreement" < 1);