/** Domain errors: verbs throw these; the HTTP edge turns them into responses once. */
export class DomainError extends Error {
  readonly status: number = 500;
}

export class NotFoundError extends DomainError {
  override readonly status = 404;
  constructor(what = "Not found") {
    super(what);
  }
}

export class ForbiddenError extends DomainError {
  override readonly status = 403;
  constructor(message = "You are not allowed to do that.") {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  override readonly status = 401;
  constructor(message = "Sign in first.") {
    super(message);
  }
}

export class ConflictError extends DomainError {
  override readonly status = 409;
  /** What the conflict is with (e.g. the newer version of an edited record), for the client to show. */
  constructor(
    message: string,
    readonly current?: unknown,
  ) {
    super(message);
  }
}

export type FieldIssue = { field: string; message: string };

export class ValidationError extends DomainError {
  override readonly status = 400;
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  override readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
