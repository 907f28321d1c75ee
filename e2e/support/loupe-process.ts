import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { freePort } from "../../db/embedded";

export { freePort };

const ROOT = path.resolve(import.meta.dirname, "../..");

export type LoupeProcess = {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

/** Starts `server.ts` (serving the production build) as its own process, the way `npm start` does. */
export function spawnLoupe(env: Record<string, string | undefined>, port: number): LoupeProcess {
  const clean = { ...process.env };
  for (const key of ["DATABASE_URL", "SESSION_SECRET", "NODE_ENV", "LOUPE_ADMIN_EMAIL", "LOUPE_ADMIN_PASSWORD"]) {
    delete clean[key];
  }
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: { ...clean, PORT: String(port), LOUPE_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => log,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until /healthz answers 200, failing early (with the server's output) if it exits. */
export async function untilHealthy(loupe: LoupeProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void loupe.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Loupe exited before it was healthy:\n${loupe.output()}`);
    try {
      const response = await fetch(`${loupe.url}/healthz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Loupe was not healthy within ${timeoutMs} ms:\n${loupe.output()}`);
}

/**
 * A TCP relay between Loupe and PostgreSQL that the test can cut and restore, to play a
 * database outage without touching the real server.
 */
export async function cuttableRelay(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The process's resident memory now and its peak since it started (VmRSS and VmHWM from
 * /proc/<pid>/status, in MiB): what a bound on the memory a request costs the server is read from.
 */
export function memoryOf(loupe: LoupeProcess): { rssMiB: number; peakMiB: number } {
  const status = fs.readFileSync(`/proc/${loupe.child.pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}
