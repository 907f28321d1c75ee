import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Actor } from "~/modules/auth/actor";
import { formError, requireActor, throwAsResponse } from "./http.server";

/**
 * A posted form, read once. Every value is text with line breaks as LF (browsers send CRLF);
 * a missing field reads as "" (or undefined from `optional`), so routes never write
 * `String(form.get(…) ?? "")` by hand, and the schemas behind the verbs do the checking.
 */
export type FormReader = {
  /** The field's text, "" when absent; a file field reads as "". */
  text(name: string): string;
  /** The field's text, or undefined when it is absent or empty. */
  optional(name: string): string | undefined;
  /** Every non-empty value posted under the name (checkboxes, repeated fields). */
  all(name: string): string[];
  /** Whether a checkbox was sent checked (any value but "false" / "off"). */
  checked(name: string): boolean;
  /** The fields named, as an object of texts (what a form sends back with its errors). */
  pick<K extends string>(...names: K[]): Record<K, string>;
  /** The form itself, for what the reader does not cover (files). */
  data: FormData;
};

export function formReader(form: FormData): FormReader {
  const asText = (value: FormDataEntryValue | null) => (typeof value === "string" ? value.replace(/\r\n?/g, "\n") : "");
  const reader: FormReader = {
    text: (name) => asText(form.get(name)),
    optional: (name) => asText(form.get(name)) || undefined,
    all: (name) => form.getAll(name).map(asText).filter((v) => v !== ""),
    checked: (name) => {
      const value = form.get(name);
      return value !== null && value !== "false" && value !== "off";
    },
    pick: (...names) => Object.fromEntries(names.map((n) => [n, reader.text(n)])) as Record<(typeof names)[number], string>,
    data: form,
  };
  return reader;
}

export async function readForm(request: Request): Promise<FormReader> {
  return formReader(await request.formData());
}

/**
 * The loader of a signed-in page: a visitor is sent to sign in (and back after), and a domain
 * error (no such project, not allowed…) becomes the page's error response, which the route's
 * error boundary shows with its status. Anything else (a redirect, a bug) passes through.
 */
export function pageLoader<T>(load: (args: LoaderFunctionArgs & { actor: Actor }) => Promise<T>) {
  return async (args: LoaderFunctionArgs): Promise<T> => {
    const actor = requireActor(args.context, args.request);
    try {
      return await load({ ...args, actor });
    } catch (error) {
      return throwAsResponse(error);
    }
  };
}

type FormActionOptions<E extends object> = {
  /** Sent back with an error: which form it answers, what was typed. */
  extra?: (form: FormReader) => E;
  /** The field a ConflictError's message belongs to (a taken name). */
  conflictField?: string;
  /** Turns an error into another before it is answered (a verb's issues named as the form's fields). */
  mapError?: (error: unknown, form: FormReader) => unknown;
  /** For the pages a visitor uses (sign-in, setup, password reset): no actor is required. */
  anonymous?: boolean;
};

/**
 * The action of a page's form: the form read once, the signed-in actor, and every domain error
 * as the form's answer (field messages for validation, a form message otherwise, with the
 * status; see formError). Redirects and unexpected errors pass through.
 */
export function formAction<T, E extends object = object>(
  handle: (args: ActionFunctionArgs & { actor: Actor; form: FormReader }) => Promise<T>,
  options: FormActionOptions<E> & { anonymous?: false },
): (args: ActionFunctionArgs) => Promise<T | ReturnType<typeof formError<E>>>;
export function formAction<T, E extends object = object>(
  handle: (args: ActionFunctionArgs & { actor: Actor | null; form: FormReader }) => Promise<T>,
  options: FormActionOptions<E> & { anonymous: true },
): (args: ActionFunctionArgs) => Promise<T | ReturnType<typeof formError<E>>>;
export function formAction<T>(
  handle: (args: ActionFunctionArgs & { actor: Actor; form: FormReader }) => Promise<T>,
): (args: ActionFunctionArgs) => Promise<T | ReturnType<typeof formError>>;
export function formAction<T, E extends object = object>(
  handle: (args: ActionFunctionArgs & { actor: Actor; form: FormReader }) => Promise<T>,
  options: FormActionOptions<E> = {},
) {
  return async (args: ActionFunctionArgs) => {
    // why: a visitor's page has no actor to require; a signed-in one there still has theirs.
    const signedIn = args.context.user ? requireActor(args.context, args.request) : null;
    const actor = options.anonymous ? signedIn : requireActor(args.context, args.request);
    const form = await readForm(args.request);
    try {
      return await handle({ ...args, actor: actor as Actor, form });
    } catch (error) {
      return formError<E>(options.mapError ? options.mapError(error, form) : error, { extra: options.extra?.(form), conflictField: options.conflictField });
    }
  };
}
