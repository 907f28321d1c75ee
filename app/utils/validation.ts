import type { z } from "zod";
import { ValidationError, type FieldIssue } from "./errors";

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : "(body)",
    message: issue.message,
  }));
}

/** Parses with the schema or throws a ValidationError that names each field and what was expected. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
}
