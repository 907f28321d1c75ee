-- loupe_item_search(input, outputs): the words of an item's input and outputs (every string in
-- their JSON) for the data manager's full-text search; items_search_idx is a GIN index on it.
-- why PL/pgSQL with a high cost: the planner then knows that computing it per row is expensive,
-- and finds a search's matches through the index instead of walking a million rows in id order
-- computing it for each (which it chose for a rare word with the bare expression). See
-- docs/decisions/0024-data-manager.md.
CREATE OR REPLACE FUNCTION loupe_item_search(input jsonb, outputs jsonb) RETURNS tsvector
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 10000
AS $fn$
BEGIN
  RETURN jsonb_to_tsvector('english'::regconfig, input, '["string"]'::jsonb) || jsonb_to_tsvector('english'::regconfig, outputs, '["string"]'::jsonb);
END;
$fn$;
