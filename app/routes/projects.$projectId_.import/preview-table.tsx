import { Section } from "~/components/page-header";
import type { Preview } from "~/modules/imports/schemas";

/**
 * The file's first rows, and what each becomes (or why it would be rejected). Everything is
 * shown as text: a row is untrusted, and markup in it must read as markup, not run.
 */
export function PreviewTable({ preview }: { preview: Preview }) {
  const bad = preview.rows.filter((r) => r.problem).length;
  const description = preview.error
    ? preview.error
    : `Read as ${preview.fileType.toUpperCase()}${preview.suggestedFormat ? `; the rows look like ${preview.suggestedFormat}` : ""}. ` +
      `${preview.rows.length - bad} of the first ${preview.rows.length} rows would import.`;
  return (
    <Section title="Preview" description={<span role="status">{description}</span>}>
      {preview.rows.length ? (
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                {["Line", "Input", "Outputs", "Also"].map((heading) => (
                  <th key={heading} scope="col" className="py-1.5 pr-3 font-medium">
                    {heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.line} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-1.5 pr-3 font-normal tabular-nums text-slate-500">
                    {row.line}
                  </th>
                  {row.item ? (
                    <>
                      <td className="max-w-md whitespace-pre-wrap break-words py-1.5 pr-3">{row.item.input}</td>
                      <td className="max-w-md py-1.5 pr-3">
                        {row.item.outputs.length === 0 ? <span className="text-slate-500">none</span> : null}
                        <ol className="space-y-1">
                          {row.item.outputs.map((o, i) => (
                            <li key={i} className="whitespace-pre-wrap break-words">
                              {o.model ? <span className="mr-1 rounded bg-slate-100 px-1 text-xs text-slate-600">{o.model}</span> : null}
                              {o.text}
                            </li>
                          ))}
                        </ol>
                      </td>
                      <td className="py-1.5 text-xs text-slate-600">
                        {[row.item.externalId ? `id ${row.item.externalId}` : null, ...row.item.suggestions.map((s) => `suggests ${s}`), row.item.gold ? `gold ${row.item.gold}` : null]
                          .filter(Boolean)
                          .join("; ")}
                      </td>
                    </>
                  ) : (
                    <td colSpan={3} className="py-1.5 text-red-700">
                      Rejected: {row.problem?.message}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}
