import { isRouteErrorResponse, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  401: "Sign in first",
  403: "Not allowed",
  404: "Page not found",
  409: "Changed meanwhile",
  429: "Too many requests",
  503: "Temporarily unavailable",
};

/**
 * What a page shows when its loader or rendering failed: the status, a title, and the error's own
 * message when it is one Loupe wrote for people (a domain error's text), else a plain apology —
 * never a stack or a database message. Every page route exports it as its ErrorBoundary, so a
 * failing page keeps the header and navigation around it; the root uses it as the last resort.
 */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : (error.data as { message?: string } | null)?.message
    : undefined;
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-indigo-600">{status}</p>
      <h1 className="mt-2 text-2xl font-bold">{TITLES[status] ?? "Something went wrong"}</h1>
      <p className="mt-3 text-slate-600">
        {detail ||
          (status === 404 ? "There is nothing at this address, or you do not have access to it." : "Loupe could not finish this request. Try again in a moment.")}
      </p>
      <a href="/" className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700">
        Go to your projects
      </a>
    </div>
  );
}
