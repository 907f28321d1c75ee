import type { Command } from "commander";
import { getClassifierModel, getClassifierOverview } from "~/modules/classifier/queries.server";
import { requestClassifierTraining } from "~/modules/classifier/request-training.server";
import { readClassifierSettings, saveClassifierSettings } from "~/modules/classifier/settings.server";
import { trainClassifierModel } from "~/modules/classifier/train-model.server";
import { findProjectRef } from "~/modules/projects/queries.server";
import { CliError, note, out, withDatabase } from "../run";
import { actAs } from "./datasets";

type TrainOptions = { project: string; question?: string; includeLlm?: boolean; retrainEvery?: string; as?: string };
type ListOptions = { project: string; as?: string };

const percent = (v: number | null) => (v === null ? "-" : `${(v * 100).toFixed(1)}%`);

/** `loupe classifier train` and `loupe classifier models`: the project's in-app classifier from a terminal. */
export function registerClassifierCommands(program: Command) {
  const classifier = program.command("classifier").description("the project's in-app text classifier (single-label questions)");
  classifier
    .command("train")
    .description("train a new version on the question's labels here, then predict every unlabelled item; prints the model id and its held-out scores")
    .requiredOption("--project <id|name>", "the project")
    .option("--question <key>", "the question it learns (saved as the project's classifier setting; needed the first time)")
    .option("--include-llm", "count LLM judge answers as labels where no person's label exists")
    .option("--retrain-every <labels>", "retrain by itself (on a server) every this many new labels")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .action((options: TrainOptions) =>
      withDatabase({ fields: { questionKey: "--question", retrainEvery: "--retrain-every" } }, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const actor = await actAs(db, options.as);
        if (options.question || options.includeLlm || options.retrainEvery) {
          const current = await readClassifierSettings(db, project.id);
          const every = options.retrainEvery === undefined ? (current?.retrainEvery ?? null) : Number(options.retrainEvery);
          if (every !== null && !Number.isInteger(every)) throw new CliError(`--retrain-every must be a whole number, not "${options.retrainEvery}".`);
          await saveClassifierSettings(db, actor, project.id, {
            questionKey: options.question ?? current?.questionKey ?? "",
            includeLlm: options.includeLlm ?? current?.includeLlm ?? false,
            retrainEvery: every,
          });
        }
        const requested = await requestClassifierTraining(db, actor, project.id);
        note(`Training v${requested.version} of "${project.name}" on ${requested.labels.toLocaleString("en")} labels of ${requested.questionKey}…`);
        const outcome = await trainClassifierModel(db, requested.id, { log: { info: note } });
        const model = await getClassifierModel(db, actor, requested.id);
        if ("skipped" in outcome) throw new CliError(`The model was not trained here (${outcome.skipped}).`);
        if (outcome.state === "failed") throw new CliError(outcome.message ?? "Training failed.");
        out(model.id);
        note(`v${model.version}: accuracy ${percent(model.accuracy)}, macro-F1 ${percent(model.macroF1)} (held out); predicted ${model.predicted.toLocaleString("en")} unlabelled item(s).`);
      }),
    );
  classifier
    .command("models")
    .description("the project's classifier models, newest first: version, state, labels, held-out accuracy and macro-F1, predictions")
    .requiredOption("--project <id|name>", "the project")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .action((options: ListOptions) =>
      withDatabase({}, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const overview = await getClassifierOverview(db, await actAs(db, options.as), project.id);
        if (!overview.models.length) note("No model yet.");
        for (const m of overview.models) {
          out([`v${m.version}`, m.state, m.questionKey, `${m.labelCount} labels`, percent(m.accuracy), percent(m.macroF1), `${m.predicted} predicted`, m.message ?? ""].join("\t").trimEnd());
        }
      }),
    );
}
