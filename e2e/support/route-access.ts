import fs from "node:fs";
import path from "node:path";
import { can, refusalOf, type ProjectAction, type ProjectRole } from "~/modules/projects/policy";

/**
 * Who may reach what: one entry per route file in app/routes (pages and resource routes) and
 * one per API endpoint of the OpenAPI document, read by e2e/security-matrix.spec.ts. Where a
 * route is about a project, its entry names the policy action it needs and the expectation per
 * role comes from `can()`, so app/modules/projects/policy.ts stays the source of truth.
 *
 * Adding a route: one line in e2e/support/route-table.ts, in the table of its kind — usually
 *   "projects.$projectId_.things.tsx": project("items.read", { post: "items.import" }),
 * and, if it names a new kind of id, that id in `ids` in e2e/support/matrix-seed.ts.
 */

export const roles = ["anonymous", "revoked", "outsider", "reviewer", "researcher", "engineer", "manager", "admin"] as const;
export type Role = (typeof roles)[number];

/**
 * What a request gets: through (`ok`), sent to sign in (`login`: a redirect to /login for pages,
 * 401 for resource routes and the API), refused in words (`forbidden`: 403, the body saying who
 * may), not shown at all (`hidden`: 404, so ids reveal nothing), or a page for visitors that a
 * signed-in user is sent away from (`away`: a redirect elsewhere than /login).
 */
export type Outcome = "ok" | "login" | "forbidden" | "hidden" | "away";
export type Expectation = { outcome: Outcome; words?: string };

/** Per role, how a method of a route answers. */
export type Rule = (role: Role) => Expectation;

export type RouteEntry = {
  get?: Rule;
  post?: Rule;
  /** Query string a GET needs to reach its checks (an export's format). */
  query?: string;
  /**
   * The form a refused role posts (default: an unknown intent). A real intent with real ids
   * (`{itemId}`…), where the action reads its fields before its verb authorizes: the refusal is
   * then the verb's, and since the role is refused, nothing changes.
   */
  refusedProbe?: Record<string, string>;
  /** The form an allowed role posts (default: an unknown intent): one the action answers without changing anything. */
  allowedProbe?: Record<string, string>;
  /** Why an allowed role's POST is not sent (no form would leave the data as it was). */
  postAllowedSkip?: string;
  /** A no-JavaScript form that answers a refusal by a 303 back to its page with `?error=` the words (the upload). */
  refusesByRedirect?: boolean;
  /**
   * A fetcher's resource-route action: a refusal comes back as the reply's `formError` in words,
   * with status 200 (Remix keeps no status given with `data()` from a route without a page).
   */
  refusesInReply?: boolean;
};

/**
 * A project's route guarded by `action` (or by several, checked in order — a write behind the
 * read of its page): visitors sign in, non-members see nothing, members are refused in the
 * policy's words for the first action they lack.
 */
export function byAction(action: ProjectAction | ProjectAction[], overrides: Partial<Record<Role, Outcome>> = {}): Rule {
  const actions = Array.isArray(action) ? action : [action];
  return (role) => {
    if (overrides[role]) return { outcome: overrides[role] };
    if (role === "anonymous" || role === "revoked") return { outcome: "login" };
    if (role === "outsider") return { outcome: "hidden" };
    const subject = { isAdmin: role === "admin", role: role === "admin" ? null : (role as ProjectRole) };
    const lacking = actions.find((a) => !can(subject, a));
    return lacking ? { outcome: "forbidden", words: refusalOf(lacking) } : { outcome: "ok" };
  };
}

/** Any signed-in user (visitors sign in). */
export const signedIn: Rule = (role) => ({ outcome: role === "anonymous" || role === "revoked" ? "login" : "ok" });
/** Everyone, signed in or not. */
export const open: Rule = () => ({ outcome: "ok" });
/** Instance admins only; everyone else signed in is refused. */
export const adminOnly =
  (refused: Outcome = "forbidden"): Rule =>
  (role) => ({ outcome: role === "anonymous" || role === "revoked" ? "login" : role === "admin" ? "ok" : refused });
/** A visitors' page (sign-in, setup): a signed-in user is sent on. */
export const visitorsOnly: Rule = (role) => ({ outcome: role === "anonymous" || role === "revoked" ? "ok" : "away" });
/** A fixed outcome for every role (an address that does not exist). */
export const always =
  (outcome: Outcome): Rule =>
  () => ({ outcome });

/** A page read by `read` whose form does `write` (defaults to `read`); the form's action checks the read first. */
export function project(read: ProjectAction, options: { post?: ProjectAction; get?: Partial<Record<Role, Outcome>> } = {}): RouteEntry {
  return { get: byAction(read, options.get), post: byAction(options.post && options.post !== read ? [read, options.post] : read) };
}

// ------------------------------------------------------------------ discovery

const routesDir = path.join(import.meta.dirname, "..", "..", "app", "routes");

/** The route ids Remix builds from app/routes: a file's name without its extension, or a folder holding route.tsx/ts. */
export function routeFiles(): string[] {
  return fs
    .readdirSync(routesDir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() ? ["route.tsx", "route.ts"].some((f) => fs.existsSync(path.join(routesDir, e.name, f))) : /\.tsx?$/.test(e.name)))
    .map((e) => e.name)
    .sort();
}

/** The module file of a route id. */
export function moduleOf(route: string): string {
  const full = path.join(routesDir, route);
  if (fs.statSync(full).isDirectory()) return ["route.tsx", "route.ts"].map((f) => path.join(full, f)).find((f) => fs.existsSync(f))!;
  return full;
}

/** A route without a page component (a download, JSON, a form's endpoint): no error boundary, its own answers. */
export function isResourceRoute(route: string): boolean {
  return !/export default\b/.test(fs.readFileSync(moduleOf(route), "utf8"));
}

/** Which methods a route module serves: a loader (GET) and/or an action (POST). */
export function methodsOf(route: string): { get: boolean; post: boolean } {
  const source = fs.readFileSync(moduleOf(route), "utf8");
  return { get: /export (const|async function|function) loader\b/.test(source), post: /export (const|async function|function) action\b/.test(source) };
}

/**
 * The URL pattern Remix's flat routes give a route id: dots are slashes, `[.]` a literal dot,
 * `$name` a parameter, a lone `$` the splat, a trailing `_` opts out of the parent layout and
 * `_index` is the index. Parameters come back as `:name` (the splat as `:*`).
 */
export function urlPatternOf(route: string): string {
  const id = route.replace(/\.tsx?$/, "").replaceAll("[.]", "\u0000");
  const segments = id
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => s.replace(/_$/, "").replaceAll("\u0000", "."))
    .map((s) => (s === "$" ? ":*" : s.startsWith("$") ? `:${s.slice(1)}` : s));
  return `/${segments.join("/")}`;
}

export const isIndexRoute = (route: string) => /(^|\.)_index(\.tsx?)?$/.test(route);

/** `/a/:x/b` with the values given; a missing one fails loudly, naming the route to fill in. */
export function fill(pattern: string, values: Record<string, string>, where: string): string {
  return pattern.replace(/:(\*|\w+)|\{(\w+)\}/g, (_m, colon: string | undefined, brace: string | undefined) => {
    const name = colon ?? brace!;
    const value = values[name];
    if (value === undefined) throw new Error(`${where}: no seeded value for the parameter "${name}"; add one to \`ids\` in e2e/support/matrix-seed.ts.`);
    return encodeURIComponent(value);
  });
}
