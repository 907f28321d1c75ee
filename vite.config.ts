import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: {
    alias: {
      "~db": new URL("./db", import.meta.url).pathname,
      "~": new URL("./app", import.meta.url).pathname,
    },
  },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
  build: { target: "es2022" },
  // why: the dev server's dependency scan reads route files before Remix strips their .server
  // imports, and would try to bundle the native password hasher for the browser.
  optimizeDeps: { exclude: ["@node-rs/argon2"] },
  server: { hmr: { port: 24690 } },
});
