import type { Command } from "commander";
import { formatUsd } from "~/modules/llm/cost";
import { createProvider } from "~/modules/llm/create-provider.server";
import { findProviderByName, listProviders } from "~/modules/llm/queries.server";
import { rekeyProviders } from "~/modules/llm/rekey-providers.server";
import type { ProviderInput } from "~/modules/llm/schemas";
import { testProviderConnection, type ConnectionTest } from "~/modules/llm/test-provider.server";
import { CliError, note, out, withDatabase } from "../run";
import { readSecretFromStdin } from "../stdin";
import { registerLlmPromptCommands } from "./llm-prompts";
import { registerLlmRunCommands } from "./llm-runs";

/** Exit code of `test` (and `add --test`) when the command worked but the provider did not answer well. */
export const EXIT_TEST_FAILED = 2;

const KEY_EXAMPLE = `printf '%s' "$OPENAI_API_KEY" | loupe llm providers add --name OpenAI --base-url https://api.openai.com/v1 --model gpt-4o-mini=0.15/0.6 --api-key-stdin`;

type AddOptions = {
  name: string;
  baseUrl: string;
  model: string[];
  apiKeyStdin?: boolean;
  apiKeyEnv?: string;
  maxConcurrency?: string;
  disabled?: boolean;
  test?: boolean;
};

const FIELDS = { name: "--name", baseUrl: "--base-url", "apiKey.variable": "--api-key-env", "apiKey.value": "key (stdin)", models: "--model", maxConcurrency: "--max-concurrency" };

export function registerLlmCommands(program: Command) {
  const llm = program.command("llm").description("LLM providers and jobs");
  registerLlmRunCommands(llm);
  registerLlmPromptCommands(llm);
  const providers = llm.command("providers").description("OpenAI-compatible endpoints (instance admin work)");

  providers
    .command("add")
    .description("add a provider; prints its id and name")
    .requiredOption("--name <name>", "how Loupe shows it")
    .requiredOption("--base-url <url>", "the OpenAI-compatible base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1")
    .option("--model <id[=input/output]>", "a model it offers, with its price in US dollars per million input/output tokens (repeat for more)", collect, [])
    .option("--api-key-stdin", "read the API key from stdin (it is stored encrypted)")
    .option("--api-key-env <NAME>", "read the API key from this environment variable of the server instead (a *_API_KEY name)")
    .option("--max-concurrency <n>", "requests jobs may have in flight to it at once (default 4)")
    .option("--disabled", "add it switched off")
    .option("--test", `test the connection once added; exit ${EXIT_TEST_FAILED} when it fails`)
    .addHelpText("after", `\nExamples:\n  ${KEY_EXAMPLE}\n  loupe llm providers add --name "Local vLLM" --base-url http://127.0.0.1:8000/v1 --model meta-llama/Llama-3.1-8B-Instruct --test`)
    .action(async (options: AddOptions) => {
      if (options.apiKeyStdin && options.apiKeyEnv) throw new CliError("Give the key one way: --api-key-stdin or --api-key-env, not both.");
      if (options.model.length === 0) throw new CliError("Name at least one model with --model, e.g. --model gpt-4o-mini=0.15/0.6.");
      const models = options.model.map(parseModel);
      const key = options.apiKeyStdin ? await readSecretFromStdin({ flag: "--api-key-stdin", what: "API key", example: KEY_EXAMPLE }) : undefined;
      const input: ProviderInput = {
        name: options.name,
        baseUrl: options.baseUrl,
        models,
        apiKey: key !== undefined ? { source: "stored", value: key } : options.apiKeyEnv ? { source: "env", variable: options.apiKeyEnv } : { source: "none" },
        maxConcurrency: options.maxConcurrency === undefined ? undefined : Number(options.maxConcurrency),
        enabled: !options.disabled,
      };
      await withDatabase({ fields: FIELDS, secrets: true }, async ({ db }) => {
        // why: null actor = the operator of this machine, who administers the instance.
        const provider = await createProvider(db, null, input);
        out(`${provider.id} ${provider.name}`);
        if (options.test) report(await testProviderConnection(db, null, provider.id));
      });
    });

  providers
    .command("list")
    .description("list providers: name, base URL, where the key comes from, models and prices")
    .action(() =>
      withDatabase({}, async ({ db }) => {
        const all = await listProviders(db, null);
        if (all.length === 0) return void note("No LLM providers yet; add one with `loupe llm providers add`.");
        for (const p of all) {
          const key = p.keySource === "env" ? `key from $${p.apiKeyEnv}` : p.keySource === "stored" ? "key stored" : "no key";
          out(`${p.name}\t${p.baseUrl}\t${key}\t${p.enabled ? "enabled" : "disabled"}`);
          for (const m of p.models) out(`  ${m.id}\tin ${formatUsd(m.inputPricePerMillion)}/1M\tout ${formatUsd(m.outputPricePerMillion)}/1M`);
        }
      }),
    );

  providers
    .command("test <name>")
    .description(`make one tiny call to a provider; exit 0 when it answered, ${EXIT_TEST_FAILED} when it did not`)
    .action((name: string) =>
      withDatabase({ secrets: true }, async ({ db }) => {
        const provider = await findProviderByName(db, null, name);
        report(await testProviderConnection(db, null, provider.id));
      }),
    );

  providers
    .command("rekey")
    .description(`re-encrypt stored keys under the current SESSION_SECRET (after a rotation, with the old one in LOUPE_PREVIOUS_SECRET); exit ${EXIT_TEST_FAILED} if some cannot be opened`)
    .action(() =>
      withDatabase({ secrets: true }, async ({ db }) => {
        const result = await rekeyProviders(db, null);
        out(`Re-encrypted ${result.resealed.length} provider(s); ${result.current.length} already current; ${result.unavailable.length} could not be opened.`);
        for (const { name, reason } of result.unavailable) note(`  ${name}: ${reason}`);
        if (result.unavailable.length) process.exitCode = EXIT_TEST_FAILED;
      }),
    );
}

function collect(value: string, previous: string[]) {
  return [...previous, value];
}

/** `gpt-4o-mini`, or `gpt-4o-mini=0.15/0.6` (US dollars per million input/output tokens). */
export function parseModel(spec: string): ProviderInput["models"][number] {
  const at = spec.lastIndexOf("=");
  const id = (at === -1 ? spec : spec.slice(0, at)).trim();
  if (!id) throw new CliError(`--model ${spec}: name the model before "=".`);
  if (at === -1) return { id, inputPricePerMillion: null, outputPricePerMillion: null };
  const prices = spec.slice(at + 1).split("/");
  const [input, output] = prices.map((p) => Number(p.trim()));
  if (prices.length !== 2 || !Number.isFinite(input) || !Number.isFinite(output)) {
    throw new CliError(`--model ${spec}: give prices as input/output US dollars per million tokens, e.g. ${id}=0.15/0.6.`);
  }
  return { id, inputPricePerMillion: input!, outputPricePerMillion: output! };
}

function report(result: ConnectionTest) {
  if (result.ok) {
    const what = result.checkedWith === "models" ? `models: ${result.models.join(", ") || "(none listed)"}` : "no model list; a 1-token completion answered";
    out(`ok ${result.latencyMs} ms; ${what}`);
    if (result.missingModels.length) note(`warning: the provider does not list ${result.missingModels.join(", ")}`);
    return;
  }
  out(`failed after ${result.latencyMs} ms: ${result.error?.status ? `${result.error.status} ` : ""}${result.error?.message}`);
  process.exitCode = EXIT_TEST_FAILED;
}
