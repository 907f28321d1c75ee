-- Item identity as two 16-byte keys instead of a 64-character hex hash, and random queue keys only
-- where a project is in random order: the indexes an import writes into at random places shrink
-- from three (content hash, md5 of the input, random key) to one small one (ADR 0009, "Measured").
--
-- loupe_key(parts…): the first 16 bytes of SHA-256 over the parts joined by a newline, as a uuid.
-- Node computes the same (itemKey in app/modules/imports/prepare-row.server.ts) over the JSON it
-- serialized; the backfill below can only use PostgreSQL's own JSON text of the stored input, so
-- items stored before this migration and imported again without an external id may be stored a
-- second time (their keys were made from a differently spaced JSON text). Items with external ids
-- are unaffected.
CREATE FUNCTION loupe_key(VARIADIC parts text[]) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN encode(substring(sha256(convert_to(array_to_string(parts, E'\n'), 'UTF8')) from 1 for 16), 'hex')::uuid;
--> statement-breakpoint
DROP INDEX "items_project_content_hash_key";--> statement-breakpoint
DROP INDEX "items_project_input_md5_idx";--> statement-breakpoint
DROP INDEX "items_queue_random_idx";--> statement-breakpoint
ALTER TABLE "items" ALTER COLUMN "random_key" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "items" ALTER COLUMN "random_key" DROP NOT NULL;--> statement-breakpoint
UPDATE "items" i SET "random_key" = NULL FROM "projects" p WHERE p."id" = i."project_id" AND p."item_order" = 'priority';--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "input_key" uuid;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "outputs_key" uuid;--> statement-breakpoint
UPDATE "items" SET "input_key" = loupe_key(lower("project_id"::text), "input"::text), "outputs_key" = loupe_key("outputs"::text);--> statement-breakpoint
ALTER TABLE "items" ALTER COLUMN "input_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ALTER COLUMN "outputs_key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "items_content_key" ON "items" USING btree ("input_key","outputs_key") WHERE "items"."external_id" is null;--> statement-breakpoint
CREATE INDEX "items_external_input_key_idx" ON "items" USING btree ("input_key") WHERE "items"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "items_queue_random_idx" ON "items" USING btree ("project_id","random_key","id") WHERE "items"."status" = 'open' and "items"."random_key" is not null;--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "content_hash";
