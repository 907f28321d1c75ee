#!/usr/bin/env node
// The `loupe` command: runs the TypeScript CLI through tsx, from the package's own folder.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../cli/index.ts");
