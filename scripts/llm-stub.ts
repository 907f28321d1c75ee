// `npm run llm:stub`: the OpenAI-compatible stub server on a fixed port, for trying Loupe's LLM
// features without an API key. See README, "LLM providers".
import { parseArgs } from "node:util";
import { DEFAULT_MODELS, startLlmStub } from "./llm-stub/server";

const USAGE = `Usage: npm run llm:stub -- [--port 4010] [--host 127.0.0.1] [--delay-ms 0] [--models a,b,c] [--api-key-env NAME]

Serves GET /v1/models, POST /v1/chat/completions (json_schema, json_object, logprobs) and
POST /v1/embeddings with deterministic answers. --api-key-env names a variable holding the key
the stub demands (none by default).`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string", default: "4010" },
      host: { type: "string", default: "127.0.0.1" },
      "delay-ms": { type: "string", default: "0" },
      models: { type: "string", default: DEFAULT_MODELS.join(",") },
      "api-key-env": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const number = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number ≥ 0 (got "${text}").\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
};

const keyVariable = values["api-key-env"];
const apiKey = keyVariable ? process.env[keyVariable] : undefined;
if (keyVariable && !apiKey) {
  console.error(`--api-key-env ${keyVariable}: that variable is empty or not set.`);
  process.exit(2);
}

const models = values.models.split(",").map((m) => m.trim()).filter(Boolean);
const stub = await startLlmStub({
  port: number("port", values.port),
  host: values.host,
  delayMs: number("delay-ms", values["delay-ms"]),
  models,
  apiKey,
});

console.log(`Loupe LLM stub listening at ${stub.url}
Models: ${models.join(", ")}${apiKey ? `\nAPI key: the value of ${keyVariable} (give the provider --api-key-env ${keyVariable})` : "\nNo API key needed (any key is accepted)."}

Point a provider at it (the server needs LOUPE_LLM_ALLOW_PRIVATE=true to reach 127.0.0.1):
  LOUPE_LLM_ALLOW_PRIVATE=true npm start
  LOUPE_LLM_ALLOW_PRIVATE=true npx loupe llm providers add --name "Local stub" --base-url ${stub.url} ${models.map((m) => `--model ${m}`).join(" ")} --test

Ctrl+C stops it.`);

const stop = () => void stub.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
