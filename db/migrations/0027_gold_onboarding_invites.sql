ALTER TYPE "public"."item_status" ADD VALUE 'gold';--> statement-breakpoint
CREATE TABLE "invites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"email" text NOT NULL,
	"project_id" uuid,
	"role" "project_role",
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" uuid,
	"revoked_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"send_error" text,
	CONSTRAINT "invites_tokenHash_unique" UNIQUE("token_hash"),
	CONSTRAINT "invites_role_with_project" CHECK (("invites"."project_id" is null) = ("invites"."role" is null))
);
--> statement-breakpoint
CREATE TABLE "reviewer_onboarding" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"correct" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"passed_by" uuid,
	CONSTRAINT "reviewer_onboarding_project_id_user_id_pk" PRIMARY KEY("project_id","user_id"),
	CONSTRAINT "reviewer_onboarding_state_known" CHECK ("reviewer_onboarding"."state" in ('open', 'passed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "gold_rate" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "onboarding_items" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "onboarding_pass_mark" real;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "gold_explanation" text;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_used_by_users_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_onboarding" ADD CONSTRAINT "reviewer_onboarding_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_onboarding" ADD CONSTRAINT "reviewer_onboarding_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_onboarding" ADD CONSTRAINT "reviewer_onboarding_passed_by_users_id_fk" FOREIGN KEY ("passed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invites_project_id_index" ON "invites" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "invites_email_lower_idx" ON "invites" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "items_project_gold_idx" ON "items" USING btree ("project_id","id") WHERE "items"."gold" is not null;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_gold_rate_range" CHECK ("projects"."gold_rate" between 0 and 1);--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_onboarding_items_range" CHECK ("projects"."onboarding_items" between 0 and 200);--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_onboarding_pass_mark_range" CHECK ("projects"."onboarding_pass_mark" between 0 and 1);