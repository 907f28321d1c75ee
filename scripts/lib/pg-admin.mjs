// Creating and dropping the throwaway databases the test harness uses. Plain ESM so that
// scripts/test.mjs can use it without tsx; test/global-setup.ts and test/db.ts import it too.
import { randomBytes } from "node:crypto";
import postgres from "postgres";

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// Names from uniqueName(): loupe_<kind>_<pid>_<base36 ms>_<6 hex>, plus _w<pool> for worker copies.
const OURS = /^loupe_(?:[a-z0-9]+_)+?(\d+)_([0-9a-z]{6,10})_[0-9a-f]{6}(?:_w\d+)?$/;
const EPOCH = Date.UTC(2024, 0, 1);
const STALE_AFTER_MS = 6 * 3600_000;
const DEAD_OWNER_GRACE_MS = 15 * 60_000;

/** A fresh database name such as `loupe_t_1234_m3x9k2a1_a8f3c2`, unique across runs and hosts. */
/**
 * @param {string} prefix
 * @param {number} [owner] the process whose exit makes the database garbage (default: this one)
 * @returns {string}
 */
export function uniqueName(prefix, owner = process.pid) {
  const name = `${prefix}_${owner}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  return checkName(name);
}

/** `url` with its database replaced by `name`. */
/** @param {string} url @param {string} name @returns {string} */
export function databaseUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${checkName(name)}`;
  return u.toString();
}

/** The database a URL points at. */
/** @param {string} url @returns {string} */
export function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** @param {string} name @returns {string} */
function checkName(name) {
  if (!NAME.test(name)) throw new Error(`Refusing to use ${JSON.stringify(name)} as a database name`);
  return name;
}

/** @param {string} url */
function admin(url) {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, idle_timeout: 1 });
}

/** @param {number} ms @returns {Promise<void>} */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates database `name` (optionally as a copy of `template`). With `ifNotExists`, an existing
 * database is left as it is.
 * @param {string} adminUrl any database on the server, as a user allowed to create databases
 * @param {string} name
 * @param {{ template?: string, ifNotExists?: boolean }} [options]
 * @returns {Promise<void>}
 */
export async function createDatabase(adminUrl, name, options = {}) {
  checkName(name);
  if (options.template) checkName(options.template);
  const sql = admin(adminUrl);
  try {
    if (options.ifNotExists) {
      const rows = await sql`select 1 from pg_database where datname = ${name}`;
      if (rows.length > 0) return;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await sql.unsafe(`create database "${name}"${options.template ? ` template "${options.template}"` : ""}`);
        return;
      } catch (error) {
        const code = /** @type {{ code?: string }} */ (error).code;
        // 42P04 duplicate_database: someone else created it meanwhile.
        if (code === "42P04" && options.ifNotExists) return;
        // 55006 object_in_use: a moment's connection to the template blocks copying it.
        if (code !== "55006" || attempt >= 50) throw error;
        await sleep(100);
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops the named databases, disconnecting anyone still using them. Missing ones are ignored. */
/** @param {string} adminUrl @param {string[]} names @returns {Promise<void>} */
export async function dropDatabases(adminUrl, names) {
  if (names.length === 0) return;
  const sql = admin(adminUrl);
  try {
    for (const name of names) await sql.unsafe(`drop database if exists "${checkName(name)}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops `prefix` itself and every database whose name starts with `prefix_`. Returns the names dropped. */
/** @param {string} adminUrl @param {string} prefix @returns {Promise<string[]>} */
export async function dropDatabasesWithPrefix(adminUrl, prefix) {
  checkName(prefix);
  const sql = admin(adminUrl);
  /** @type {string[]} */ let names;
  try {
    const rows = await sql`select datname from pg_database where datname = ${prefix} or starts_with(datname, ${`${prefix}_`})`;
    names = rows.map((r) => r.datname);
  } finally {
    await sql.end({ timeout: 5 });
  }
  await dropDatabases(adminUrl, names);
  return names;
}

/**
 * Drops every database of ours named after process `owner` (see uniqueName), e.g. after a
 * `vitest` that was interrupted before its teardown. Returns the names dropped.
 * @param {string} adminUrl @param {number} owner @returns {Promise<string[]>}
 */
export async function dropDatabasesOwnedBy(adminUrl, owner) {
  const sql = admin(adminUrl);
  /** @type {string[]} */ let names;
  try {
    const rows = await sql`select datname from pg_database where starts_with(datname, 'loupe_')`;
    names = rows.map((r) => r.datname).filter((name) => OURS.exec(name)?.[1] === String(owner));
  } finally {
    await sql.end({ timeout: 5 });
  }
  await dropDatabases(adminUrl, names);
  return names;
}

/**
 * Drops databases left behind by earlier runs that were killed before cleaning up: those older
 * than 6 hours, and (on a server on this machine) those whose creating process is gone.
 * Never fails the run; returns the names dropped.
 */
/** @param {string} adminUrl @returns {Promise<string[]>} */
export async function dropStaleDatabases(adminUrl) {
  try {
    const local = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(adminUrl).hostname);
    const sql = admin(adminUrl);
    /** @type {string[]} */ let names;
    try {
      const rows = await sql`select datname from pg_database where starts_with(datname, 'loupe_')`;
      names = rows.map((r) => r.datname).filter((name) => isStale(name, local));
    } finally {
      await sql.end({ timeout: 5 });
    }
    await dropDatabases(adminUrl, names);
    return names;
  } catch {
    return [];
  }
}

/** @param {string} name @param {boolean} local */
function isStale(name, local) {
  const m = OURS.exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  const created = parseInt(m[2], 36);
  if (!(created > EPOCH && created < Date.now() + 86_400_000)) return false;
  const age = Date.now() - created;
  if (age > STALE_AFTER_MS) return true;
  return local && age > DEAD_OWNER_GRACE_MS && pid !== process.pid && !isAlive(pid);
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}
