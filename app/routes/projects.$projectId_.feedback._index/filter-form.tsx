import { Form } from "@remix-run/react";
import type { RefObject } from "react";
import type { InboxFilter } from "~/modules/research/schemas";

const select = "rounded-md border-slate-300 py-1 text-sm";

/** The inbox's filters as a GET form: they live in the URL, so a filtered inbox can be shared. */
export function FilterForm({
  filter,
  themes,
  facets,
  searchRef,
  quoteSets,
  setId,
}: {
  filter: InboxFilter;
  themes: { id: string; name: string; parentId: string | null }[];
  facets: { segments: string[]; models: string[]; promptVersions: string[] };
  searchRef: RefObject<HTMLInputElement>;
  quoteSets: { id: string; name: string }[];
  setId: string;
}) {
  const options = (values: string[]) =>
    values.map((v) => (
      <option key={v} value={v}>
        {v}
      </option>
    ));
  return (
    <Form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" key={JSON.stringify(filter)}>
      <label className="flex flex-col">
        Search
        <input
          ref={searchRef}
          type="search"
          name="q"
          defaultValue={filter.q ?? ""}
          placeholder='words, "a phrase", -not'
          className="w-64 rounded-md border-slate-300 py-1 text-sm"
        />
      </label>
      <label className="flex flex-col">
        Source
        <select name="source" defaultValue={filter.source ?? ""} className={select}>
          <option value="">Any</option>
          <option value="end_user">End users</option>
          <option value="reviewer">Reviewers</option>
        </select>
      </label>
      <label className="flex flex-col">
        Score
        <select name="score" defaultValue={filter.score ?? ""} className={select}>
          <option value="">Any</option>
          <option value="up">Thumbs up</option>
          <option value="down">Thumbs down</option>
          {["1", "2", "3", "4", "5"].map((s) => (
            <option key={s} value={s}>{`${s} stars`}</option>
          ))}
        </select>
      </label>
      <label className="flex flex-col">
        Segment
        <select name="segment" defaultValue={filter.segment ?? ""} className={select}>
          <option value="">Any</option>
          {options(facets.segments)}
        </select>
      </label>
      <label className="flex flex-col">
        Model
        <select name="model" defaultValue={filter.model ?? ""} className={select}>
          <option value="">Any</option>
          {options(facets.models)}
        </select>
      </label>
      <label className="flex flex-col">
        Prompt version
        <select name="promptVersion" defaultValue={filter.promptVersion ?? ""} className={select}>
          <option value="">Any</option>
          {options(facets.promptVersions)}
        </select>
      </label>
      <label className="flex flex-col">
        From
        <input type="date" name="from" defaultValue={filter.from ?? ""} className={select} />
      </label>
      <label className="flex flex-col">
        To
        <input type="date" name="to" defaultValue={filter.to ?? ""} className={select} />
      </label>
      <label className="flex flex-col">
        Theme
        <select name="theme" defaultValue={filter.theme ?? ""} className={select}>
          <option value="">Any</option>
          {themes.map((t) => (
            <option key={t.id} value={t.id}>
              {t.parentId ? `— ${t.name}` : t.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col">
        Coded
        <select name="coded" defaultValue={filter.coded ?? ""} className={select}>
          <option value="">Any</option>
          <option value="not-me">Not coded by me</option>
          <option value="me">Coded by me</option>
          <option value="anyone">Coded by anyone</option>
          <option value="none">Coded by nobody</option>
        </select>
      </label>
      {filter.sample ? <input type="hidden" name="sample" value={filter.sample} /> : null}
      {quoteSets.length ? (
        <label className="flex flex-col">
          Quote set (q)
          <select name="set" defaultValue={setId} className={select}>
            {quoteSets.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white">
        Filter
      </button>
    </Form>
  );
}
