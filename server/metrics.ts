import { timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { OpsSnapshot } from "~/modules/ops/snapshot.server";

/** Past this many distinct route labels, new ones count as "(other)": a label per URL would grow without bound. */
const MAX_ROUTES = 300;

/**
 * Prometheus metrics of one server process: requests by route, method and status with their
 * latencies, the Node process's own (memory, event loop lag, GC), and on each scrape the
 * instance's figures from the database (queue depth, lease expiries, job backlogs and failures,
 * import rows, connections). Routes are the path with ids replaced (`/projects/:id/review/:n`).
 */
export function createMetrics(snapshot: () => Promise<OpsSnapshot>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "loupe_" });
  const requests = new Counter({ name: "loupe_http_requests_total", help: "HTTP requests answered, by route, method and status.", labelNames: ["route", "method", "status"], registers: [registry] });
  const latency = new Histogram({
    name: "loupe_http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its answer, by route and method.",
    labelNames: ["route", "method"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const up = gauge("loupe_database_up", "1 when the last scrape reached the database, else 0.");
  const dbSeconds = gauge("loupe_database_roundtrip_seconds", "One `select 1` round trip at the last scrape.");
  const open = gauge("loupe_queue_open_items", "Items waiting in the review queues of every project.");
  const expired = gauge("loupe_queue_expired_leases", "Leases past their end that no claim has reclaimed yet.");
  const live = gauge("loupe_queue_live_leases", "Items reviewers hold now.");
  const jobs = gauge("loupe_jobs", "Background jobs by queue and state (created and retry are the backlog).", ["queue", "state"]);
  const rowsRead = gauge("loupe_import_rows_read", "Rows imports have read since the instance began (rate() gives rows per second).");
  const rowsInserted = gauge("loupe_import_rows_inserted", "Items imports have inserted since the instance began.");
  const importsRunning = gauge("loupe_imports_running", "Imports queued or running now.");
  const importsFailed = gauge("loupe_imports_failed", "Imports that ended in failure.");
  const connections = gauge("loupe_database_connections", "Connections to this database by state (pool use of every app copy).", ["state"]);
  const migrations = gauge("loupe_database_migrations", "Migrations applied.");
  const routes = new Set<string>();

  return {
    /** Counts a finished request. */
    observe(req: Request, status: number, seconds: number) {
      let route = status === 404 ? "(unmatched)" : routeOf(req.path);
      if (!routes.has(route)) {
        if (routes.size >= MAX_ROUTES) route = "(other)";
        else routes.add(route);
      }
      requests.inc({ route, method: req.method, status: String(status) });
      latency.observe({ route, method: req.method }, seconds);
    },
    /** GET /metrics: off (404) without a token; 401 without the right bearer token; the text format otherwise. */
    handler(token: string | undefined): RequestHandler {
      return async (req, res) => {
        if (!token) return void res.status(404).type("text/plain").send("Not found: set LOUPE_METRICS_TOKEN to turn /metrics on.");
        if (!bearerMatches(req.get("authorization"), token)) {
          res.setHeader("WWW-Authenticate", 'Bearer realm="loupe-metrics"');
          return void res.status(401).type("text/plain").send("Unauthorized: send the metrics token as a bearer token.");
        }
        jobs.reset();
        connections.reset();
        try {
          const s = await snapshot();
          up.set(1);
          dbSeconds.set(s.databaseMs / 1000);
          open.set(s.queue.open);
          expired.set(s.queue.expiredLeases);
          live.set(s.queue.liveLeases);
          for (const j of s.jobs) jobs.set({ queue: j.queue, state: j.state }, j.count);
          rowsRead.set(s.imports.rowsRead);
          rowsInserted.set(s.imports.rowsInserted);
          importsRunning.set(s.imports.running);
          importsFailed.set(s.imports.failed);
          for (const c of s.connections) connections.set({ state: c.state }, c.count);
          migrations.set(s.migrations);
        } catch {
          // why: a scrape during a database outage still answers, with up = 0, so the outage is what alerts.
          up.set(0);
        }
        res.setHeader("Cache-Control", "no-store");
        res.type(registry.contentType).send(await registry.metrics());
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path as a route label: ids, numbers and tokens replaced, static files by folder. */
export function routeOf(path: string): string {
  if (path.startsWith("/assets/")) return "/assets/*";
  if (path.startsWith("/widget/") && /\.[a-z]+$/.test(path)) return "/widget/*";
  const parts = path.split("/").map((part, i, all) => {
    if (UUID.test(part)) return ":id";
    if (/^\d+$/.test(part)) return ":n";
    if (i > 0 && (all[i - 1] === "invite" || all[i - 1] === "reset-password") && part) return ":token";
    return part.length > 40 ? ":long" : part;
  });
  return parts.join("/") || "/";
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? "")?.[1] ?? "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
