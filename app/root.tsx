import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { AppHeader } from "~/components/app-header";
import stylesheet from "~/tailwind.css?url";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];
export const meta: MetaFunction = () => [{ title: "Loupe" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.user && { id: context.user.id, name: context.user.name, email: context.user.email, isAdmin: context.user.isAdmin };
  return { user, csrfToken: context.csrfToken };
}

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRootData();
  return (
    <html lang="en" className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* why: keys pressed while the page's script is still loading (a reviewer answering the next
            item the moment it shows) are kept and replayed by the review screen once it hydrates. */}
        <script nonce={nonce} src="/early-keys.js" />
      </head>
      <body className="min-h-full font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <AppHeader user={data?.user ?? null} />
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6">
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  // why: keys pressed before hydration are for the first screen only (the review screen replays
  // them in its layout effect, which runs before this); later client-side visits get none.
  useEffect(() => {
    (window as { __loupeEarlyKeys?: unknown }).__loupeEarlyKeys = null;
  }, []);
  return <Outlet />;
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
