import { isDatabaseUnavailable } from "./database-errors";
import { ConflictError, DomainError, RateLimitedError, UnauthorizedError, ValidationError, type FieldIssue } from "./errors";

/**
 * What an error means over HTTP — the one mapping every edge uses: the API answers it as JSON
 * (app/api/define.server.ts), forms as a reply (`formError`), loaders as a thrown response
 * (`throwAsResponse`), and the Express edge for what fails before Remix (server/app.ts).
 */
export type HttpAnswer = {
  status: number;
  message: string;
  issues?: FieldIssue[];
  /** What a conflict is with (the newer version of an edited record). */
  current?: unknown;
  headers: Record<string, string>;
  /** Whether the edge should log it: expected refusals are not failures. */
  log: "no" | "warn" | "error";
};

export const DATABASE_UNAVAILABLE = "Loupe cannot reach its database right now. Try again in a moment.";
export const INTERNAL_ERROR = "Something went wrong on our side. Try again; if it keeps happening, tell your admin.";

export function httpAnswerOf(error: unknown): HttpAnswer {
  if (error instanceof UnauthorizedError) return { status: 401, message: error.message, headers: { "WWW-Authenticate": 'Bearer realm="loupe"' }, log: "no" };
  if (error instanceof RateLimitedError) return { status: 429, message: error.message, headers: { "Retry-After": String(error.retryAfterSeconds) }, log: "no" };
  if (error instanceof ValidationError) return { status: 400, message: error.message, issues: error.issues, headers: {}, log: "no" };
  if (error instanceof ConflictError) return { status: 409, message: error.message, current: error.current, headers: {}, log: "no" };
  if (error instanceof DomainError) return { status: error.status, message: error.message, headers: {}, log: "no" };
  if (isDatabaseUnavailable(error)) return { status: 503, message: DATABASE_UNAVAILABLE, headers: { "Retry-After": "5" }, log: "warn" };
  return { status: 500, message: INTERNAL_ERROR, headers: {}, log: "error" };
}
