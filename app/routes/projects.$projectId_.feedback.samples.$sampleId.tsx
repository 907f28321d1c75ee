import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EstimateText } from "~/components/research/estimate-text";
import { ReadingBadge } from "~/components/research/reading-badge";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { db } from "~/db.server";
import {
  readAlpha,
  readKappa,
  type ThemeAgreement,
} from "~/modules/research/agreement";
import {
  computeSampleAgreement,
  sampleDisagreements,
} from "~/modules/research/agreement.server";
import { NotFoundError } from "~/utils/errors";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Agreement · ${data.sample.name} · Loupe`
      : "Agreement · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const { sample, agreement } = await computeSampleAgreement(
    db,
    actor,
    params.sampleId ?? ""
  );
  if (sample.projectId !== params.projectId)
    throw new NotFoundError("No such coding sample.");
  const themeId = new URL(request.url).searchParams.get("theme");
  const theme = themeId
    ? agreement.themes.find((t) => t.themeId === themeId) ?? null
    : null;
  const disagreements = theme
    ? await sampleDisagreements(db, actor, sample.id, theme.themeId!)
    : [];
  return {
    sample,
    agreement,
    theme: theme ? { id: theme.themeId!, name: theme.name } : null,
    disagreements,
  };
});

function Row({
  t,
  sampleUrl,
  twoCoders,
}: {
  t: ThemeAgreement;
  sampleUrl: string;
  twoCoders: boolean;
}) {
  return (
    <tr className="border-b border-slate-100 align-top" data-theme={t.name}>
      <th scope="row" className="py-2 pr-4 text-left font-normal">
        {t.name}
      </th>
      {twoCoders ? (
        <td className="py-2 pr-4" data-cell="kappa">
          <EstimateText value={t.cohensKappa} />
          {t.cohensKappa.value !== null ? (
            <ReadingBadge reading={readKappa(t.cohensKappa.value)} />
          ) : null}
        </td>
      ) : null}
      <td className="py-2 pr-4" data-cell="alpha">
        <EstimateText value={t.alpha} />
        {t.alpha.value !== null ? (
          <ReadingBadge reading={readAlpha(t.alpha.value)} />
        ) : null}
      </td>
      <td className="py-2 pr-4">
        <EstimateText value={t.percentAgreement} percent />
      </td>
      <td className="py-2 pr-4">
        <EstimateText value={t.positiveAgreement} percent />
      </td>
      <td className="py-2 pr-4">
        <EstimateText value={t.prevalence} percent />
      </td>
      <td className="py-2 pr-4 tabular-nums">{t.n}</td>
      <td className="py-2">
        {t.themeId === null ? (
          <span className="tabular-nums">{t.disagreements.length}</span>
        ) : t.disagreements.length ? (
          <Link
            to={`${sampleUrl}?theme=${t.themeId}#disagreements`}
            className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
          >
            {t.disagreements.length} comment(s)
          </Link>
        ) : (
          <span className="text-slate-500">none</span>
        )}
      </td>
    </tr>
  );
}

export default function SampleAgreementPage() {
  const { sample, agreement, theme, disagreements } =
    useLoaderData<typeof loader>();
  const sampleUrl = `/projects/${sample.projectId}/feedback/samples/${sample.id}`;
  const twoCoders = agreement.coders === 2;
  const filter = (sample.params.filter ?? {}) as Record<string, unknown>;
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title={`Agreement: ${sample.name}`}
        description={
          <>
            <Link
              to={`/projects/${sample.projectId}/feedback/samples`}
              className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
            >
              Coding samples
            </Link>{" "}
            · {sample.size} comments drawn with seed{" "}
            {String(sample.params.seed ?? "—")} from{" "}
            {String(sample.params.candidates ?? "?")} matching
            {Object.keys(filter).length
              ? ` (filter: ${JSON.stringify(filter)})`
              : ""}
          </>
        }
        actions={
          <Link
            to={`/projects/${sample.projectId}/feedback?sample=${sample.id}`}
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700"
          >
            Code this sample
          </Link>
        }
      />
      <FeedbackNav />
      <Section
        title="Coders"
        description="Each coder sees only their own themes in the sample. A comment counts once they mark it coded."
      >
        <ul className="text-sm" data-testid="coders">
          {sample.coders.map((c) => (
            <li key={c.id}>
              {c.name}: {c.coded} of {sample.size} coded
            </li>
          ))}
        </ul>
        <p className="mt-2 text-sm text-slate-600">
          {sample.codedByTwoOrMore} comment(s) coded by two or more coders so
          far: the units the figures below are computed on.
        </p>
      </Section>
      <Section
        title="Agreement per theme"
        description={
          <>
            For each theme, each coder said yes (coded it) or no on each comment
            they finished.{" "}
            {twoCoders
              ? "Cohen's κ is read with Landis & Koch's bands (≤ .20 slight, .21–.40 fair, .41–.60 moderate, .61–.80 substantial, > .80 almost perfect); "
              : ""}
            Krippendorff's α (nominal) with his rule: rely on α ≥ .800, draw
            tentative conclusions only from .667 to .800. Intervals are 95%
            bootstrap intervals over comments ({agreement.resamples} resamples,
            seed {agreement.seed}). Positive agreement: when one coder uses the
            theme, how often another does too; prevalence: how often it was
            used.
          </>
        }
      >
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-table="agreement">
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1 pr-4">
                  Theme
                </th>
                {twoCoders ? (
                  <th scope="col" className="py-1 pr-4">
                    Cohen's κ (95% CI)
                  </th>
                ) : null}
                <th scope="col" className="py-1 pr-4">
                  Krippendorff's α (95% CI)
                </th>
                <th scope="col" className="py-1 pr-4">
                  Agreement
                </th>
                <th scope="col" className="py-1 pr-4">
                  Positive agreement
                </th>
                <th scope="col" className="py-1 pr-4">
                  Prevalence
                </th>
                <th scope="col" className="py-1 pr-4">
                  n
                </th>
                <th scope="col" className="py-1">
                  Disagreements
                </th>
              </tr>
            </thead>
            <tbody>
              {agreement.themes.map((t) => (
                <Row
                  key={t.themeId}
                  t={t}
                  sampleUrl={sampleUrl}
                  twoCoders={twoCoders}
                />
              ))}
              <Row
                t={agreement.overall}
                sampleUrl={sampleUrl}
                twoCoders={twoCoders}
              />
            </tbody>
          </table>
        </div>
      </Section>
      {theme ? (
        <Section
          title={`Disagreements on “${theme.name}”`}
          description="The comments where the coders differ on this theme: who coded it and who did not. This breaks the blind: look once the coders have finished."
        >
          <div id="disagreements">
            {disagreements.length === 0 ? (
              <p className="text-sm text-slate-600">
                The coders agree on every comment.
              </p>
            ) : (
              <ul
                className="divide-y divide-slate-100 text-sm"
                data-testid="disagreements"
              >
                {disagreements.map((d) => (
                  <li key={d.feedbackId} className="py-2">
                    <p className="whitespace-pre-wrap text-slate-900">
                      {d.comment}
                    </p>
                    <p className="mt-1 text-xs text-slate-600">
                      Coded it: {d.yes.join(", ")} · did not: {d.no.join(", ")}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </Section>
      ) : null}
    </div>
  );
}
