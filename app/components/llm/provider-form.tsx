import { useState } from "react";
import { Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { TextareaField } from "~/components/ui/textarea-field";
import { BLANK_HEADER_ROWS, type ProviderFormValues } from "~/modules/llm/provider-form";

type Props = {
  values: ProviderFormValues;
  /** Whether a key is stored already (edit): the key field may then be left empty to keep it. */
  hasStoredKey: boolean;
  /** Header names whose values are stored already. */
  storedHeaders: string[];
  errors: Record<string, string | undefined>;
  formError?: string;
  busy: boolean;
  submitLabel: string;
};

const sources = [
  { value: "stored", label: "Stored key", hint: "Encrypted in the database; never shown again." },
  { value: "env", label: "Environment variable", hint: "The server reads it from a variable ending in _API_KEY." },
  { value: "none", label: "No key", hint: "For local servers without authentication." },
] as const;

/**
 * The provider form for adding and editing. The key and header values are password fields that are
 * never filled in: on an edit, leaving them empty keeps what is stored.
 */
export function ProviderForm({ values, hasStoredKey, storedHeaders, errors, formError, busy, submitLabel }: Props) {
  const [source, setSource] = useState(values.keySource);
  const headerRows = [...values.headerNames, ...Array<string>(BLANK_HEADER_ROWS).fill("")];
  return (
    <PostForm className="space-y-6" aria-label="LLM provider">
      <input type="hidden" name="intent" value="save" />
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {Object.values(errors).some(Boolean) ? <Alert tone="error">The provider was not saved: see the fields marked below.</Alert> : null}
      <Section title="Endpoint">
        <div className="space-y-4">
          <Field label="Name" name="name" required maxLength={100} defaultValue={values.name} error={errors.name} />
          <Field
            label="Base URL"
            name="baseUrl"
            type="url"
            required
            placeholder="https://api.openai.com/v1"
            defaultValue={values.baseUrl}
            hint="Any OpenAI-compatible server: OpenAI, Azure OpenAI (…/openai/v1), vLLM, Ollama (http://127.0.0.1:11434/v1), llama.cpp, LiteLLM. Local and private addresses need LOUPE_LLM_ALLOW_PRIVATE=true on the server."
            error={errors.baseUrl}
          />
        </div>
      </Section>
      <Section title="Authentication" description="Write-only: Loupe never shows a key again, on this page or anywhere else.">
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Where the key comes from</legend>
          {sources.map((s) => (
            <label key={s.value} className="flex items-start gap-2 text-sm">
              <input type="radio" name="keySource" value={s.value} checked={source === s.value} onChange={() => setSource(s.value)} className="mt-0.5" />
              <span>
                <span className="font-medium text-slate-800">{s.label}</span> <span className="text-slate-500">— {s.hint}</span>
              </span>
            </label>
          ))}
          {errors.keySource ? (
            <p role="alert" className="text-sm text-red-600">
              {errors.keySource}
            </p>
          ) : null}
        </fieldset>
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <Field
            label="API key"
            name="apiKeyValue"
            type="password"
            autoComplete="new-password"
            defaultValue=""
            hint={hasStoredKey ? "A key is stored. Leave empty to keep it." : "Used when the key is stored."}
            error={errors.apiKeyValue}
          />
          <Field
            label="Key variable"
            name="apiKeyEnv"
            placeholder="OPENAI_API_KEY"
            defaultValue={values.apiKeyEnv}
            hint="Used when the key comes from the environment."
            error={errors.apiKeyEnv}
          />
        </div>
      </Section>
      <Section title="Models offered" description="The models this provider offers, with prices in US dollars per million tokens for cost estimates.">
        <TextareaField
          label="Models"
          name="models"
          rows={4}
          required
          placeholder={"gpt-4o-mini, 0.15, 0.60\nllama3.1:8b"}
          defaultValue={values.modelsText}
          hint="One per line: name, input price, output price. Prices are optional (no estimate without them)."
          error={errors.models}
          className="font-mono"
        />
      </Section>
      <Section title="Headers" description="Extra request headers, e.g. api-key for Azure or a gateway's team header. Values are secrets: stored encrypted, never shown.">
        <div className="space-y-3">
          {headerRows.map((name, i) => {
            const stored = name !== "" && storedHeaders.some((h) => h.toLowerCase() === name.toLowerCase());
            return (
              <div key={`${i}-${name}`} className="grid items-end gap-2 sm:grid-cols-[1fr_1fr_auto]">
                <Field label={`Header ${i + 1} name`} name={`headers.${i}.name`} defaultValue={name} error={errors[`headers.${i}.name`]} />
                <Field
                  label={`Header ${i + 1} value`}
                  name={`headers.${i}.value`}
                  type="password"
                  autoComplete="off"
                  defaultValue=""
                  hint={stored ? "Stored. Leave empty to keep it." : undefined}
                  error={errors[`headers.${i}.value`]}
                />
                {stored ? <CheckboxField label="Remove" name={`headers.${i}.remove`} /> : <span />}
              </div>
            );
          })}
          {errors.headers ? (
            <p role="alert" className="text-sm text-red-600">
              {errors.headers}
            </p>
          ) : null}
        </div>
      </Section>
      <Section title="Use">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Concurrent requests"
            name="maxConcurrency"
            type="number"
            inputMode="numeric"
            min={1}
            max={256}
            required
            defaultValue={values.maxConcurrency}
            hint="How many requests LLM jobs may have in flight to this provider at once (1–256)."
            error={errors.maxConcurrency}
          />
          <div className="pt-6">
            <CheckboxField label="Enabled" name="enabled" defaultChecked={values.enabled} hint="Projects can pick its models only while it is enabled." />
          </div>
        </div>
      </Section>
      <div>
        <Button disabled={busy}>{busy ? "Saving…" : submitLabel}</Button>
      </div>
    </PostForm>
  );
}
