import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Busboy from "@fastify/busboy";
import { eq } from "drizzle-orm";
import { imports } from "~db/schema";
import type { Db } from "~/db.server";
import { enqueueImport, jobsRunning } from "~/jobs/boss.server";
import { runImportFile } from "~/jobs/import-file.server";
import { instanceId, uploadsDir } from "~/jobs/instance.server";
import type { Actor } from "~/modules/auth/actor";
import { CSRF_FIELD, CSRF_HEADER } from "~/modules/auth/csrf.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { env } from "~/utils/env.server";
import { DomainError, ForbiddenError, ValidationError } from "~/utils/errors";
import { formatBytes } from "~/utils/format-bytes";
import { findNulInFields, nulIssue } from "~/utils/nul";
import { parseOrThrow } from "~/utils/validation";
import { createImportRow } from "./create-import.server";
import { countColumns } from "./queries.server";
import { importOptionsSchema, optionsFromForm } from "./schemas";

/** Uploads up to this size are imported while the request waits; larger ones by a background job. */
export const INLINE_IMPORT_BYTES = 4 * 1024 * 1024;

class UploadTooLargeError extends DomainError {
  override readonly status = 413;
}

type Saved = { fields: Map<string, string[]>; file: string; fileName: string; size: number };

/**
 * Receives an upload from the import page (multipart: the page's fields, then the file) and
 * imports it: the file streams to this server's disk with backpressure, never into memory; the
 * form token (the field sent before the file, or the header) is checked before a byte is stored
 * (`checkToken`); the options are read from the fields; small files are imported before the
 * answer (stopping if the client goes away: `signal`), larger ones queued as a job on this server.
 * Returns the import's record. The file is removed whenever the import does not take it.
 */
export async function receiveUpload(
  db: Db,
  actor: Actor,
  input: { projectId: string; request: Request; checkToken: (submitted: string | null | undefined) => string | null; signal?: AbortSignal },
) {
  await authorizeProject(db, actor, input.projectId, "items.import");
  const { dataDir, importLimits } = env();
  const { maxBytes } = importLimits;
  // why: room for the form's other fields and the multipart framing around the file.
  if (Number(input.request.headers.get("content-length")) > maxBytes + 256 * 1024) throw new UploadTooLargeError(`The file is larger than the ${formatBytes(maxBytes)} limit.`);
  const saved = await receive(input.request, { maxBytes, dir: uploadsDir(dataDir), checkToken: input.checkToken });
  let importId: string;
  try {
    const nul = findNulInFields([...saved.fields].flatMap(([name, values]) => values.map((v): [string, string] => [name, v])));
    if (nul !== null) throw new ValidationError(`${nul}: ${nulIssue(nul).message}`, [nulIssue(nul)]);
    const chosen = parseOrThrow(importOptionsSchema, optionsFromForm((name) => saved.fields.get(name) ?? []));
    importId = await createImportRow(db, actor, {
      projectId: input.projectId,
      origin: "upload",
      options: chosen,
      fileName: saved.fileName,
      totalBytes: saved.size,
      filePath: saved.file,
      instanceId: instanceId(dataDir),
    });
  } catch (error) {
    fs.rmSync(saved.file, { force: true });
    throw error;
  }
  if (saved.size <= INLINE_IMPORT_BYTES || !jobsRunning()) await runImportFile(db, { importId }, input.signal);
  else await enqueueImport(importId);
  const [row] = await db
    .select({ state: imports.state, message: imports.message, ...countColumns })
    .from(imports)
    .where(eq(imports.id, importId));
  return { importId, ...row! };
}

/** The uploaded file's name as the page shows it: its last part, without control characters (a NUL cannot be stored). */
function displayName(fileName: string | undefined): string {
  const printable = [...path.basename(fileName ?? "")].filter((ch) => ch >= " " && ch !== "\u007f").join("");
  return printable || "upload";
}

/** Streams the multipart body: fields into memory (small), the one file to disk. */
function receive(request: Request, options: { maxBytes: number; dir: string; checkToken: (submitted: string | null | undefined) => string | null }): Promise<Saved> {
  return new Promise((resolve, reject) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = Busboy({
        headers: { "content-type": request.headers.get("content-type") ?? "" },
        limits: { files: 1, fileSize: options.maxBytes, fields: 40, fieldSize: 64 * 1024 },
      });
    } catch {
      return reject(new ValidationError("Expected a multipart/form-data upload with a file."));
    }
    if (!request.body) return reject(new ValidationError("Choose a file to import."));
    const body = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
    const fields = new Map<string, string[]>();
    let saving: Promise<Omit<Saved, "fields">> | null = null;
    let refused: DomainError | null = null;
    busboy.on("field", (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
    busboy.on("file", (name, stream, fileName) => {
      if (name !== "file" || saving || refused) return void stream.resume();
      // why: the token field comes before the file in the form, so nothing is stored unchecked.
      const token = options.checkToken(request.headers.get(CSRF_HEADER) ?? fields.get(CSRF_FIELD)?.[0]);
      if (token) {
        refused = new ForbiddenError(`Forbidden: ${token}`);
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
            throw new UploadTooLargeError(`The file is larger than the ${formatBytes(options.maxBytes)} limit.`);
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
      if (!saving) return reject(new ValidationError("Choose a file to import."));
      saving.then((saved) => resolve({ fields, ...saved }), reject);
    });
    busboy.on("error", (error: unknown) => reject(new ValidationError(`The upload could not be read: ${error instanceof Error ? error.message : String(error)}`)));
    // why: a client that gives up mid-upload would leave the file half written and the pipe waiting.
    body.on("error", (error: unknown) => busboy.destroy(error instanceof Error ? error : new Error("the upload was cut off before the end")));
    body.pipe(busboy);
  });
}
