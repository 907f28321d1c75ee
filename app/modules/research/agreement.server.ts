import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { sampleAgreement, type AgreementUnit, type SampleAgreement } from "./agreement";
import { getCodingSample, type SampleSummary } from "./samples.server";

/** The seed of every sample's bootstrap: fixed, so the page and the API show the same interval each time. */
export const AGREEMENT_SEED = 16;

export type SampleAgreementReport = { sample: SampleSummary; agreement: SampleAgreement };

/**
 * Agreement between a sample's coders: units are the sample's comments that two or more of its
 * coders marked coded; each finishing coder's yes/no per theme of the codebook is whether they
 * coded it. Codings by people who are not the sample's coders, and on comments a coder did not
 * finish, take no part. Anyone who may read the project's feedback may read it.
 */
export async function computeSampleAgreement(db: Db, actor: Actor, sampleId: string, options: { resamples?: number } = {}): Promise<SampleAgreementReport> {
  const sample = await getCodingSample(db, actor, sampleId);
  const themes = await db.execute<{ id: string; name: string }>(sql`
    select t.id, case when p.name is null then t.name else p.name || ' › ' || t.name end as name
    from themes t left join themes p on p.id = t.parent_id
    where t.project_id = ${sample.projectId}
    order by coalesce(p.position, t.position), coalesce(p.name, t.name), t.parent_id nulls first, t.position, t.name`);
  const finished = await db.execute<{ feedback_id: string; coders: string[] }>(sql`
    select i.feedback_id, array_agg(fc.coder_id::text order by fc.coder_id) as coders
    from coding_sample_items i
    join feedback_coded fc on fc.feedback_id = i.feedback_id
    join coding_sample_coders c on c.sample_id = i.sample_id and c.user_id = fc.coder_id
    where i.sample_id = ${sampleId}
    group by i.feedback_id, i.position having count(*) >= 2
    order by i.position`);
  const codings = await db.execute<{ feedback_id: string; coder_id: string; theme_id: string }>(sql`
    select k.feedback_id, k.coder_id, k.theme_id
    from coding_sample_items i
    join codings k on k.feedback_id = i.feedback_id
    join coding_sample_coders c on c.sample_id = i.sample_id and c.user_id = k.coder_id
    where i.sample_id = ${sampleId}`);
  const byUnit = new Map<number, Record<string, string[]>>();
  for (const k of codings) {
    const themesBy = byUnit.get(Number(k.feedback_id)) ?? {};
    (themesBy[k.coder_id] ??= []).push(k.theme_id);
    byUnit.set(Number(k.feedback_id), themesBy);
  }
  const units: AgreementUnit[] = finished.map((f) => ({ feedbackId: Number(f.feedback_id), codedBy: f.coders, themesBy: byUnit.get(Number(f.feedback_id)) ?? {} }));
  const agreement = sampleAgreement({
    coders: sample.coders.map((c) => ({ id: c.id, name: c.name })),
    themes: [...themes],
    units,
    seed: AGREEMENT_SEED,
    resamples: options.resamples,
  });
  return { sample, agreement };
}

export type DisagreementRow = { feedbackId: number; comment: string; yes: string[]; no: string[] };

/** The sample's comments where its coders differ on one theme: the comment and who coded the theme and who did not. */
export async function sampleDisagreements(db: Db, actor: Actor, sampleId: string, themeId: string): Promise<DisagreementRow[]> {
  const { agreement, sample } = await computeSampleAgreement(db, actor, sampleId, { resamples: 1 });
  const theme = agreement.themes.find((t) => t.themeId === themeId);
  if (!theme || theme.disagreements.length === 0) return [];
  const rows = await db.execute<{ id: string; comment: string; coder: string; yes: boolean }>(sql`
    select f.id, f.comment, u.name as coder,
      exists (select 1 from codings k where k.feedback_id = f.id and k.coder_id = fc.coder_id and k.theme_id = ${themeId}) as yes
    from feedback f
    join feedback_coded fc on fc.feedback_id = f.id
    join coding_sample_coders c on c.sample_id = ${sampleId} and c.user_id = fc.coder_id
    join users u on u.id = fc.coder_id
    where f.project_id = ${sample.projectId} and f.id = any(${sql.param(theme.disagreements)}::bigint[])
    order by f.id, u.name`);
  const out = new Map<number, DisagreementRow>();
  for (const r of rows) {
    const row = out.get(Number(r.id)) ?? { feedbackId: Number(r.id), comment: r.comment, yes: [], no: [] };
    (r.yes ? row.yes : row.no).push(r.coder);
    out.set(row.feedbackId, row);
  }
  return theme.disagreements.map((id) => out.get(id)!).filter(Boolean);
}
