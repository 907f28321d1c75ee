import { WORDS, prng } from "./text";

type Schema = Record<string, unknown>;
type Random = ReturnType<typeof prng>;

const MAX_DEPTH = 12;

/**
 * A valid instance of a JSON schema (the subset structured outputs use: objects with properties
 * and required, integers and numbers within minimum/maximum, enums, consts, arrays with
 * min/maxItems and uniqueItems, booleans, strings with min/maxLength, anyOf/oneOf, nullable type
 * lists and local `$ref`s), chosen deterministically from `seed`.
 */
export function instanceOf(schema: unknown, seed: number): unknown {
  const root = isObject(schema) ? schema : {};
  return generate(root, root, prng(seed), 0);
}

function generate(schema: Schema, root: Schema, random: Random, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === "string") return generate(resolveRef(schema.$ref, root), root, random, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return random.pick(schema.enum);
  const choices = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(choices) && choices.length) {
    const choice = random.pick(choices.filter(isObject));
    return choice ? generate({ ...withoutKeys(schema, ["anyOf", "oneOf"]), ...choice }, root, random, depth + 1) : null;
  }
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf.filter(isObject).reduce<Schema>((all, part) => mergeSchemas(all, part), withoutKeys(schema, ["allOf"]));
    return generate(merged, root, random, depth + 1);
  }
  const type = typeOf(schema, random);
  switch (type) {
    case "object":
      return objectOf(schema, root, random, depth);
    case "array":
      return arrayOf(schema, root, random, depth);
    case "integer":
      return integerIn(schema, random);
    case "number":
      return numberIn(schema, random);
    case "boolean":
      return random.next() < 0.5;
    case "null":
      return null;
    default:
      return stringOf(schema, random);
  }
}

function typeOf(schema: Schema, random: Random): string {
  const type = schema.type;
  if (Array.isArray(type)) {
    // why: a nullable field (["string", "null"]) gets a value, so tests see what it carries.
    const concrete = type.filter((t): t is string => typeof t === "string" && t !== "null");
    return concrete.length ? random.pick(concrete) : "null";
  }
  if (typeof type === "string") return type;
  if (isObject(schema.properties)) return "object";
  if (isObject(schema.items)) return "array";
  return "string";
}

function objectOf(schema: Schema, root: Schema, random: Random, depth: number) {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties)) {
    if (!required.has(key) && random.next() < 0.3) continue;
    out[key] = generate(isObject(sub) ? sub : {}, root, random, depth + 1);
  }
  return out;
}

function arrayOf(schema: Schema, root: Schema, random: Random, depth: number) {
  const items = isObject(schema.items) ? schema.items : {};
  const min = nonNegative(schema.minItems, 0);
  const max = Math.max(min, nonNegative(schema.maxItems, Math.max(min, 3)));
  const options = enumOf(items, root);
  if (options) {
    // why: arrays of enums (multi-label answers) must not repeat a label, uniqueItems or not.
    const shuffled = options.map((option) => ({ option, key: random.next() })).sort((a, b) => a.key - b.key);
    const count = random.int(Math.min(min, shuffled.length), Math.min(max, shuffled.length));
    return shuffled.slice(0, count).map((entry) => entry.option);
  }
  const count = random.int(min, max);
  return Array.from({ length: count }, () => generate(items, root, random, depth + 1));
}

function enumOf(items: Schema, root: Schema): unknown[] | undefined {
  const resolved = typeof items.$ref === "string" ? resolveRef(items.$ref, root) : items;
  return Array.isArray(resolved.enum) && resolved.enum.length ? resolved.enum : undefined;
}

function integerIn(schema: Schema, random: Random) {
  let min = finite(schema.minimum) ?? (finite(schema.exclusiveMinimum) !== undefined ? Math.floor(finite(schema.exclusiveMinimum)!) + 1 : 0);
  let max = finite(schema.maximum) ?? (finite(schema.exclusiveMaximum) !== undefined ? Math.ceil(finite(schema.exclusiveMaximum)!) - 1 : min + 10);
  min = Math.ceil(min);
  max = Math.floor(max);
  return max < min ? min : random.int(min, max);
}

function numberIn(schema: Schema, random: Random) {
  const min = finite(schema.minimum) ?? finite(schema.exclusiveMinimum) ?? 0;
  const max = finite(schema.maximum) ?? finite(schema.exclusiveMaximum) ?? min + 1;
  const value = min + random.next() * (max - min);
  return Math.round(value * 1000) / 1000;
}

function stringOf(schema: Schema, random: Random) {
  const minLength = nonNegative(schema.minLength, 0);
  const maxLength = nonNegative(schema.maxLength, 200);
  let text = Array.from({ length: random.int(3, 8) }, () => random.pick(WORDS)).join(" ");
  while (text.length < minLength) text += ` ${random.pick(WORDS)}`;
  return text.slice(0, Math.max(minLength, Math.min(maxLength, text.length)));
}

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith("#")) return {};
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    node = isObject(node) ? node[part.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
  }
  return isObject(node) ? node : {};
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const merged: Schema = { ...a, ...b };
  if (isObject(a.properties) && isObject(b.properties)) merged.properties = { ...a.properties, ...b.properties };
  if (Array.isArray(a.required) && Array.isArray(b.required)) merged.required = [...a.required, ...b.required];
  return merged;
}

const withoutKeys = (schema: Schema, keys: string[]) => Object.fromEntries(Object.entries(schema).filter(([k]) => !keys.includes(k)));
const isObject = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);
const finite = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const nonNegative = (value: unknown, fallback: number) => (typeof value === "number" && value >= 0 ? Math.floor(value) : fallback);
