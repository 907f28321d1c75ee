import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { cardMarkdown } from "~/modules/datasets/card";
import { exportDataset } from "~/modules/datasets/export-dataset.server";
import { exportFormats, type ExportQuery } from "~/modules/datasets/schemas";
import { getDatasetStatus } from "~/modules/datasets/queries.server";
import { findActiveUser } from "~/modules/users/queries.server";
import { note, onlyAdmin, withDatabase } from "../run";
import { buildHere } from "./datasets";

type ExportOptions = { dataset: string; format: string; split?: string; out?: string; as?: string };

export function registerExportCommand(program: Command) {
  program
    .command("export")
    .description("write an export of a dataset snapshot to --out (with its card beside it) or to stdout; a snapshot not built yet is built (or waited for) first")
    .requiredOption("--dataset <id>", "the dataset snapshot's id")
    .requiredOption("--format <format>", exportFormats.join(" | "))
    .option("--split <split>", "train | validation | test (default: all)")
    .option("--out <file>", "write here (and <file>.card.md / .card.json) instead of stdout")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .addHelpText("after", "\nExample:\n  loupe export --dataset 5b0c…-… --format openai-chat --split train --out train.jsonl")
    .action((options: ExportOptions) =>
      withDatabase({ fields: { format: "--format", split: "--split", datasetId: "--dataset" } }, async ({ db }) => {
        const user = options.as ? await findActiveUser(db, options.as) : await onlyAdmin(db, "Name the user to export as with --as <email>");
        const actor = { userId: user.id, isAdmin: user.isAdmin, via: "cli" as const };
        // why: a snapshot asked for but not built yet is built here (or waited for), not refused.
        if ((await getDatasetStatus(db, actor, options.dataset)).state !== "ready") await buildHere(db, actor, options.dataset);
        const opened = await exportDataset(db, actor, options.dataset, { format: options.format, split: options.split } as ExportQuery);
        const { card } = opened;
        if (!options.out) {
          await pipeline(opened.body, process.stdout);
        } else {
          // why: written beside and renamed, so an interrupted export never leaves a file that looks whole.
          const target = path.resolve(options.out);
          const partial = `${target}.partial`;
          await pipeline(opened.body, fs.createWriteStream(partial));
          fs.renameSync(partial, target);
          const stem = target.replace(/\.[^./]+$/, "");
          fs.writeFileSync(`${stem}.card.md`, cardMarkdown(card));
          fs.writeFileSync(`${stem}.card.json`, `${JSON.stringify(card, null, 2)}\n`);
          note(`Wrote ${options.out} and its card (${path.basename(stem)}.card.md, .card.json).`);
        }
        const invalid = card.export.invalid.count ? `, ${card.export.invalid.count} left out for breaking the format's rules (listed in the card)` : "";
        note(`${card.dataset.name} v${card.dataset.version}, ${card.export.format}, ${card.export.split}: ${card.export.rows} rows${invalid}.`);
      }),
    );
}
