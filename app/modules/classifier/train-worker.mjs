// The classifier training thread's entry (see train-in-worker.server.ts). Plain JavaScript and
// outside the Vite bundle, so the same file starts the thread under Vitest, `tsx` and the built
// server; a worker thread has no TypeScript loader of its own, so it registers tsx first.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register({ tsconfig: workerData.tsconfig });
await import("./train-worker.ts");
