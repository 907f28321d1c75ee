-- loupe_key(parts…): the first 16 bytes of SHA-256 over the parts joined by a newline, as a uuid.
-- Node computes the same (itemKey in app/modules/imports/prepare-row.server.ts) over the JSON it
-- serialized; prepare-row's tests hold the two equal. See docs/decisions/0009-imports.md.
CREATE FUNCTION loupe_key(VARIADIC parts text[]) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN encode(substring(sha256(convert_to(array_to_string(parts, E'\n'), 'UTF8')) from 1 for 16), 'hex')::uuid;
