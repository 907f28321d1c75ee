ALTER TABLE "suggestions" ADD COLUMN "origin" text DEFAULT 'import' NOT NULL;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "model" text;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "prompt_version_id" uuid;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "rationale" text;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_prompt_version_id_prompt_versions_id_fk" FOREIGN KEY ("prompt_version_id") REFERENCES "public"."prompt_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "suggestions_prompt_version_idx" ON "suggestions" USING btree ("prompt_version_id","question_key") WHERE "suggestions"."prompt_version_id" is not null;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_origin_known" CHECK ("suggestions"."origin" in ('import', 'llm', 'classifier'));