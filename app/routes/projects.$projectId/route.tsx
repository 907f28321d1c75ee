import { data, redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { z } from "zod";
import { LinkButton } from "~/components/link-button";
import { ImportList } from "~/components/imports/import-list";
import { LlmRunsPanel } from "~/components/llm/llm-runs-panel";
import { PageHeader, Section } from "~/components/page-header";
import { db } from "~/db.server";
import { listImports } from "~/modules/imports/queries.server";
import { listProviderChoices } from "~/modules/llm/queries.server";
import { listRunsWithFailures } from "~/modules/llm-runs/queries.server";
import { handleInviteIntent } from "~/modules/invites/invite-intents.server";
import { listInvites } from "~/modules/invites/queries.server";
import { listPrompts } from "~/modules/prompts/queries.server";
import { addMember } from "~/modules/projects/add-member.server";
import { changeMemberRole } from "~/modules/projects/change-member-role.server";
import { can, roleLabels } from "~/modules/projects/policy";
import { getProject, listMembers } from "~/modules/projects/queries.server";
import { removeMember } from "~/modules/projects/remove-member.server";
import { memberInputSchema, roleSchema } from "~/modules/projects/schemas";
import { getProgress } from "~/modules/review/queries.server";
import { mailConfigured } from "~/utils/mail.server";
import { ValidationError } from "~/utils/errors";
import { publicOrigin } from "~/utils/http.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { parseOrThrow } from "~/utils/validation";
import { Members } from "./members";
import { ProgressSection } from "./progress";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.project.name} · Loupe` : "Project · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const canImport = can({ isAdmin: actor.isAdmin, role: project.role }, "items.import");
  const runsLlm = can({ isAdmin: actor.isAdmin, role: project.role }, "llm.run");
  const managesMembers = can({ isAdmin: actor.isAdmin, role: project.role }, "members.manage");
  const [members, progress, imports, llm, invites] = await Promise.all([
    listMembers(db, actor, project.id),
    getProgress(db, actor, project.id),
    canImport ? listImports(db, actor, project.id) : null,
    runsLlm ? llmRunsOf(actor, project.id) : null,
    managesMembers ? listInvites(db, actor, project.id) : null,
  ]);
  return { project, members, progress, imports, llm, invites, canMail: mailConfigured(), me: { id: actor.userId, isAdmin: actor.isAdmin } };
});

async function llmRunsOf(actor: Parameters<typeof listPrompts>[1], projectId: string) {
  const [runs, providers, prompts] = await Promise.all([listRunsWithFailures(db, actor, projectId), listProviderChoices(db), listPrompts(db, actor, projectId)]);
  return { runs, choices: { providers, prompts } };
}

const memberRef = z.object({ userId: z.uuid({ error: "Choose a member." }) });

const targetOf = (form: FormReader) => `${form.text("intent")}:${form.text("userId") || form.text("inviteId")}`;

export const action = formAction(
  async ({ actor, form, params, request }) => {
    const projectId = params.projectId ?? "";
    const target = targetOf(form);
    const intent = form.text("intent");
    const invited = await handleInviteIntent(db, actor, form, { projectId, origin: publicOrigin(request) });
    // why: this response is the only place an invite link appears; only its hash is stored.
    if (invited) return data(invited, { headers: { "Cache-Control": "no-store" } });
    if (intent === "add-member") {
      const added = await addMember(db, actor, projectId, parseOrThrow(memberInputSchema, form.pick("email", "role")));
      return { target, notice: `Added ${added.name} as ${roleLabels[added.role]}.` };
    }
    if (intent === "change-role") {
      const input = parseOrThrow(memberRef.extend({ role: roleSchema }), form.pick("userId", "role"));
      await changeMemberRole(db, actor, projectId, input);
      return { target, notice: `Role changed to ${roleLabels[input.role]}.` };
    }
    if (intent === "remove-member") {
      const { userId } = parseOrThrow(memberRef, form.pick("userId"));
      await removeMember(db, actor, projectId, { userId });
      // why: after leaving the project you may no longer see it at all.
      return userId === actor.userId ? redirect("/projects") : { target, notice: "Member removed." };
    }
    throw new ValidationError("Unknown action.");
  },
  // why: "already a member" is about the email typed in the add or invite form.
  { extra: (form) => ({ target: targetOf(form) }), conflictField: (form) => (["add-member", "invite"].includes(form.text("intent")) ? "email" : undefined) },
);

/** A domain error as form data, tagged with the form it answers so the page shows it there. */
export default function ProjectPage() {
  const { project, members, progress, imports, llm, invites, canMail, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // why: an import that ends changes the progress figures, which only this page's loader reads.
  const { revalidate } = useRevalidator();
  const subject = { isAdmin: me.isAdmin, role: project.role };
  return (
    <div>
      <PageHeader
        title={project.name}
        description={
          <>
            <p className="whitespace-pre-line break-words">{project.description || "No description."}</p>
            <p className="mt-2">
              Your role: <strong className="font-medium text-slate-900">{project.role ? roleLabels[project.role] : "Admin (not a member)"}</strong>
              {project.archived ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium">Archived</span> : null}
            </p>
          </>
        }
        actions={
          <ProjectActions
            projectId={project.id}
            canReview={can(subject, "review.annotate")}
            canManage={can(subject, "project.update")}
            canImport={imports !== null}
            canExport={can(subject, "datasets.export")}
            canSeeQuality={can(subject, "quality.view")}
            canAdjudicate={can(subject, "annotations.adjudicate")}
            canReadFeedback={can(subject, "feedback.read")}
            canReadItems={can(subject, "items.read")}
          />
        }
      />
      <ProgressSection progress={progress} seesEveryone={can(subject, "annotations.read_all")} />
      {imports ? (
        <div id="imports">
          <Section title="Imports">
            <ImportList projectId={project.id} imports={imports} onSettled={revalidate} />
          </Section>
        </div>
      ) : null}
      {llm ? (
        <div id="llm-runs">
          <Section title="LLM runs" description="Generate outputs or let a judge pre-label items with a model; progress follows while this page is open.">
            <LlmRunsPanel projectId={project.id} runs={llm.runs} choices={llm.choices} canStart={!project.archived} />
          </Section>
        </div>
      ) : null}
      <Members members={members} canManage={can(subject, "members.manage")} result={result} invites={invites ? { list: invites, canMail } : null} />
    </div>
  );
}

const secondaryLink =
  "inline-flex items-center justify-center rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";

function ProjectActions({
  projectId,
  canReview,
  canManage,
  canImport,
  canExport,
  canSeeQuality,
  canAdjudicate,
  canReadFeedback,
  canReadItems,
}: {
  projectId: string;
  canReview: boolean;
  canManage: boolean;
  canImport: boolean;
  canExport: boolean;
  canSeeQuality: boolean;
  canAdjudicate: boolean;
  canReadFeedback: boolean;
  canReadItems: boolean;
}) {
  return (
    <>
      {canImport ? (
        <Link to={`/projects/${projectId}/import`} className={secondaryLink}>
          Import items
        </Link>
      ) : null}
      {canReview ? (
        <>
          <LinkButton to={`/projects/${projectId}/review`}>Start reviewing</LinkButton>
          <Link to={`/projects/${projectId}/work`} className={secondaryLink}>
            My work
          </Link>
        </>
      ) : null}
      {canReadItems ? (
        <Link to={`/projects/${projectId}/items`} className={secondaryLink}>
          Items
        </Link>
      ) : null}
      {canExport ? (
        <Link to={`/projects/${projectId}/datasets`} className={secondaryLink}>
          Datasets
        </Link>
      ) : null}
      {canSeeQuality ? (
        <Link to={`/projects/${projectId}/quality`} className={secondaryLink}>
          Quality
        </Link>
      ) : null}
      {canSeeQuality ? (
        <Link to={`/projects/${projectId}/insight`} className={secondaryLink}>
          Dashboards
        </Link>
      ) : null}
      {canSeeQuality ? (
        <Link to={`/projects/${projectId}/classifier`} className={secondaryLink}>
          Classifier
        </Link>
      ) : null}
      {canReadFeedback ? (
        <Link to={`/projects/${projectId}/feedback`} className={secondaryLink}>
          Feedback
        </Link>
      ) : null}
      {canAdjudicate ? (
        <Link to={`/projects/${projectId}/adjudicate`} className={secondaryLink}>
          Adjudicate
        </Link>
      ) : null}
      {canManage ? (
        <>
          <Link to={`/projects/${projectId}/template`} className={secondaryLink}>
            Template
          </Link>
          <Link to={`/projects/${projectId}/settings`} className={secondaryLink}>
            Settings
          </Link>
        </>
      ) : null}
    </>
  );
}
