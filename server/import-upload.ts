import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import Busboy from "@fastify/busboy";
import { eq } from "drizzle-orm";
import type { Request, RequestHandler, Response } from "express";
import { imports } from "~db/schema";
import { db } from "~/db.server";
import { enqueueImport, jobsRunning } from "~/jobs/boss.server";
import { runImportFile } from "~/jobs/import-file.server";
import { instanceId, uploadsDir } from "~/jobs/instance.server";
import type { Actor } from "~/modules/auth/actor";
import { createImportRow } from "~/modules/imports/create-import.server";
import { countColumns } from "~/modules/imports/queries.server";
import { importOptionsSchema, optionsFromForm } from "~/modules/imports/schemas";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { LoupeContext } from "~/utils/context";
import type { Env } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";
import { formatBytes } from "~/utils/format-bytes";
import { parseOrThrow } from "~/utils/validation";
import { checkOrigin, checkToken, CSRF_FIELD, CSRF_HEADER } from "./csrf";
import type { Logger } from "./log";

/** Uploads up to this size are imported while the request waits; larger ones by a background job. */
export const INLINE_IMPORT_BYTES = 4 * 1024 * 1024;

class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Saved = { fields: Map<string, string[]>; file: string; fileName: string; size: number };

/**
 * `POST /projects/:projectId/imports` (multipart: the upload page's fields, then the file). A
 * plain Express route rather than a Remix action, so the file streams to disk with backpressure
 * and is never held in memory. Session, Origin and form token are checked before a byte of the
 * file is stored. Small files are imported before the answer; larger ones are queued as a job
 * on this server. Answers JSON to scripts and the page's upload (Accept: application/json), and
 * redirects a plain form post to the project page.
 */
export function importUpload(options: { env: Env; log: Logger }): RequestHandler {
  const { env } = options;
  return async (req, res, next) => {
    const projectId = req.params.projectId ?? "";
    const context = res.locals.context as LoupeContext;
    const wantsJson = (req.get("accept") ?? "").includes("application/json");
    const fail = (status: number, message: string) => {
      req.unpipe();
      req.resume();
      if (wantsJson) res.status(status).json({ error: message });
      else res.redirect(303, `/projects/${encodeURIComponent(projectId)}/import?error=${encodeURIComponent(message)}`);
    };
    try {
      if (!context.user) {
        if (wantsJson) return void res.status(401).json({ error: "Sign in first." });
        return void res.redirect(303, `/login?redirectTo=${encodeURIComponent(`/projects/${projectId}/import`)}`);
      }
      const origin = checkOrigin(req, env.publicUrl);
      if (origin) return fail(403, `Forbidden: ${origin}`);
      const actor: Actor = { userId: context.user.id, isAdmin: context.user.isAdmin, via: "session" };
      await authorizeProject(db, actor, projectId, "items.import");
      const { maxBytes } = env.importLimits;
      // why: room for the form's other fields and the multipart framing around the file.
      if (Number(req.get("content-length")) > maxBytes + 256 * 1024) return fail(413, `The file is larger than the ${formatBytes(maxBytes)} limit.`);

      const saved = await receive(req, { maxBytes, dir: uploadsDir(env.dataDir), context });
      let importId: string;
      try {
        const chosen = parseOrThrow(importOptionsSchema, optionsFromForm((name) => saved.fields.get(name) ?? []));
        importId = await createImportRow(db, actor, {
          projectId,
          origin: "upload",
          options: chosen,
          fileName: saved.fileName,
          totalBytes: saved.size,
          filePath: saved.file,
          instanceId: instanceId(env.dataDir),
        });
      } catch (error) {
        fs.rmSync(saved.file, { force: true });
        throw error;
      }
      if (saved.size <= INLINE_IMPORT_BYTES || !jobsRunning()) await runImportFile(db, { importId }, clientGone(res));
      else await enqueueImport(importId);
      await answer(res, wantsJson, projectId, importId);
    } catch (error) {
      if (error instanceof UploadError) return fail(error.status, error.message);
      if (error instanceof DomainError) return fail(error.status, error.message);
      next(error);
    }
  };
}

async function answer(res: Response, wantsJson: boolean, projectId: string, importId: string) {
  if (!wantsJson) return res.redirect(303, `/projects/${encodeURIComponent(projectId)}?import=${importId}#imports`);
  const [row] = await db
    .select({ state: imports.state, message: imports.message, ...countColumns })
    .from(imports)
    .where(eq(imports.id, importId));
  res.status(row!.state === "queued" ? 202 : 200).json({ importId, location: `/projects/${projectId}#imports`, ...row });
}

/** Aborted when the client goes away before the answer: an import it waits for stops then. */
function clientGone(res: Response): AbortSignal {
  const client = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) client.abort(new DOMException("The client closed the connection.", "AbortError"));
  });
  return client.signal;
}

/** The uploaded file's name as the page shows it: its last part, without control characters (a NUL cannot be stored). */
function displayName(fileName: string | undefined): string {
  const printable = [...path.basename(fileName ?? "")].filter((ch) => ch >= " " && ch !== "\u007f").join("");
  return printable || "upload";
}

/** Streams the multipart body: fields into memory (small), the one file to disk. */
function receive(req: Request, options: { maxBytes: number; dir: string; context: LoupeContext }): Promise<Saved> {
  return new Promise((resolve, reject) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = Busboy({ headers: req.headers as { "content-type": string }, limits: { files: 1, fileSize: options.maxBytes, fields: 40, fieldSize: 64 * 1024 } });
    } catch {
      return reject(new UploadError(400, "Expected a multipart/form-data upload with a file."));
    }
    const fields = new Map<string, string[]>();
    let saving: Promise<Omit<Saved, "fields">> | null = null;
    let refused: UploadError | null = null;
    busboy.on("field", (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
    busboy.on("file", (name, stream, fileName) => {
      if (name !== "file" || saving || refused) return void stream.resume();
      // why: the token field comes before the file in the form, so nothing is stored unchecked.
      const token = checkToken(req.get(CSRF_HEADER) ?? fields.get(CSRF_FIELD)?.[0], options.context);
      if (token) {
        refused = new UploadError(403, `Forbidden: ${token}`);
        return void stream.resume();
      }
      fs.mkdirSync(options.dir, { recursive: true });
      const file = path.join(options.dir, `${randomUUID()}.upload`);
      let size = 0;
      stream.on("data", (chunk: Buffer) => (size += chunk.length));
      saving = pipeline(stream, fs.createWriteStream(file, { mode: 0o600 })).then(
        () => {
          if (stream.truncated) {
            fs.rmSync(file, { force: true });
            throw new UploadError(413, `The file is larger than the ${formatBytes(options.maxBytes)} limit.`);
          }
          return { file, fileName: displayName(fileName), size };
        },
        (error: unknown) => {
          fs.rmSync(file, { force: true });
          throw error;
        },
      );
    });
    busboy.on("finish", () => {
      if (refused) return reject(refused);
      if (!saving) return reject(new UploadError(400, "Choose a file to import."));
      saving.then((saved) => resolve({ fields, ...saved }), reject);
    });
    busboy.on("error", (error: unknown) => reject(new UploadError(400, `The upload could not be read: ${error instanceof Error ? error.message : String(error)}`)));
    // why: a client that gives up mid-upload would leave the file half written and the pipe waiting.
    req.on("close", () => {
      if (!req.complete) busboy.destroy(new Error("the upload was cut off before the end"));
    });
    req.pipe(busboy);
  });
}
