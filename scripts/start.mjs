// `npm start`: build when needed, then run the server in this process (so signals reach it directly).
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
import { buildIfStale } from "./build-if-stale.mjs";

buildIfStale();
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../server.ts");
