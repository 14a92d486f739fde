-- T2: tags.uses counts the tag's applications. It is kept by a constraint trigger deferred to
-- COMMIT, so the tag's row, which every application of a popular tag updates, is locked only
-- while the applying transaction commits, never across its round trips: concurrent appliers
-- of one tag no longer wait on each other's network and event loop. Same transaction, so the
-- count is exactly as atomic as before, and any insert into tag_applications keeps it.
CREATE FUNCTION "tag_applications_count_use"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "tags" SET "uses" = "uses" + 1 WHERE "team_id" = NEW."team_id" AND "id" = NEW."tag_id";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "tag_applications_count_use" AFTER INSERT ON "tag_applications"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "tag_applications_count_use"();
