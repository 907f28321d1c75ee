import { useId } from "react";
import { Field } from "~/components/ui/field";

/**
 * Optional overrides of where an item's parts are in a row (a column, or a dotted path such as
 * meta.id); empty fields keep what the format says. Suggests the columns the preview saw.
 */
export function MappingFields({ columns }: { columns: string[] }) {
  const list = useId();
  const shared = { list, autoComplete: "off" };
  return (
    <details className="rounded-md border border-slate-200 p-4">
      <summary className="cursor-pointer text-sm font-medium text-slate-800">Field mapping (optional)</summary>
      <p className="mt-2 text-xs text-slate-500">Fields not used here are kept as each item&apos;s metadata.</p>
      <datalist id={list}>
        {columns.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <Field label="Input (prompt or messages)" name="map_input" {...shared} />
        <Field label="External id" name="map_externalId" {...shared} />
        <Field label="Reference answer" name="map_reference" {...shared} />
        <Field label="Label" name="map_label" {...shared} />
      </div>
      {[1, 2, 3].map((n) => (
        <fieldset key={n} className="mt-4 grid gap-4 md:grid-cols-3">
          <legend className="sr-only">Output {n}</legend>
          <Field label={`Output ${n}`} name="output_path" {...shared} />
          <Field label={`Output ${n}: model name`} name="output_model" autoComplete="off" />
          <Field label={`Output ${n}: or model from field`} name="output_model_field" {...shared} />
        </fieldset>
      ))}
    </details>
  );
}
