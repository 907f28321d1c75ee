import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople } from "~/modules/projects/people.server";
import { kindOf, type Question } from "~/modules/questions";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { calibrateQuestion, type CalibrationItem } from "./calibrate";
import type { CalibrationReport, JudgeLabel, QuestionCalibration } from "./report";

const BATCH = 2000;
const judgeId = (model: string, promptVersionId: string | null) => JSON.stringify([model, promptVersionId]);

/**
 * Judge calibration for the Quality page and API (managers and engineers): for each question of
 * the current template, every LLM judge (model × prompt version) against the people's consensus
 * on the resolved items it answered, beside each reviewer against the consensus of the others on
 * those same items. Suggestions are read only here and never as answers. Resolutions are
 * refreshed first; reviewers appear by name or pseudonym as projectPeople decides for the actor.
 */
export async function computeCalibration(db: Db, actor: Actor, projectId: string, options: { minItems?: number } = {}): Promise<CalibrationReport> {
  const access = await authorizeProject(db, actor, projectId, "judge.calibration");
  await refreshResolutions(db, projectId);
  const template = await getTemplate(db, projectId);
  const sql = sqlOf(db);
  const people = await projectPeople(db, actor, projectId, access.role);
  const questions: QuestionCalibration[] = [];
  for (const question of template?.questions ?? []) {
    const measured = kindOf(question).calibration(question).measure !== "none";
    const items = measured ? await judgedItems(sql, projectId, question.key) : [];
    const judges = measured ? await judgesOf(sql, projectId, question.key) : new Map<string, JudgeLabel>();
    const userIds = [...new Set(items.flatMap((i) => i.votes.map((v) => v.userId)))];
    const names = userIds.length
      ? await sql<{ id: string; name: string }[]>`select id, name from users where id = any(${userIds}::uuid[])`
      : [];
    const seen = await people.see(userIds.map((id) => ({ id, name: names.find((n) => n.id === id)?.name ?? null })));
    const reviewers = new Map(userIds.map((id, i) => [id, seen[i]!.label]));
    const resolvedItems = measured ? await resolvedCount(sql, projectId, question.key) : 0;
    questions.push(calibrateQuestion({ question: question as Question, items, judges, reviewers, resolvedItems, options }));
  }
  return { projectId, questions };
}

/**
 * The resolved items of a question that an LLM judge answered, with the consensus, the
 * reviewers' submitted answers and every judge answer newest first, read through a cursor.
 */
async function judgedItems(sql: postgres.Sql, projectId: string, key: string): Promise<CalibrationItem[]> {
  const items: CalibrationItem[] = [];
  const cursor = sql<{ item_id: string; consensus: unknown; votes: { userId: string; value: unknown }[]; judged: { model: string; pv: string | null; value: unknown }[] }[]>`
    select r.item_id, r.value as consensus,
      (select coalesce(jsonb_agg(jsonb_build_object('userId', a.user_id, 'value', a.values -> ${key}) order by a.user_id), '[]'::jsonb)
         from annotations a
        where a.item_id = r.item_id and a.status = 'submitted' and a.values ? ${key} and a.values -> ${key} <> 'null'::jsonb) as votes,
      (select jsonb_agg(jsonb_build_object('model', coalesce(s.model, s.source), 'pv', s.prompt_version_id, 'value', s.value) order by s.created_at desc, s.id desc)
         from suggestions s where s.item_id = r.item_id and s.question_key = ${key} and s.origin = 'llm') as judged
    from resolutions r
    where r.project_id = ${projectId} and r.question_key = ${key} and r.status = 'resolved'
      and exists (select 1 from suggestions s where s.item_id = r.item_id and s.question_key = ${key} and s.origin = 'llm')
    order by r.item_id`.cursor(BATCH);
  for await (const rows of cursor) {
    for (const r of rows) {
      items.push({ itemId: Number(r.item_id), consensus: r.consensus, votes: r.votes, judged: r.judged.map((j) => ({ judge: judgeId(j.model, j.pv), value: j.value })) });
    }
  }
  return items;
}

/** Every LLM judge that answered the question on any item of the project, with its prompt's name and version. */
async function judgesOf(sql: postgres.Sql, projectId: string, key: string): Promise<Map<string, JudgeLabel>> {
  const rows = await sql<{ model: string; pv: string | null; source: string; name: string | null; version: number | null }[]>`
    select coalesce(s.model, s.source) as model, s.prompt_version_id as pv, min(s.source) as source, pv.name, pv.version
    from suggestions s
    join items i on i.id = s.item_id
    left join prompt_versions pv on pv.id = s.prompt_version_id
    where i.project_id = ${projectId} and s.question_key = ${key} and s.origin = 'llm'
    group by 1, 2, pv.name, pv.version
    order by 1, pv.name nulls last, pv.version`;
  return new Map(
    rows.map((r) => [judgeId(r.model, r.pv), { model: r.model, promptVersionId: r.pv, prompt: r.name === null ? null : `${r.name} v${r.version}`, source: r.source }]),
  );
}

async function resolvedCount(sql: postgres.Sql, projectId: string, key: string): Promise<number> {
  const [row] = await sql<[{ n: number }]>`select count(*)::int as n from resolutions where project_id = ${projectId} and question_key = ${key} and status = 'resolved'`;
  return row.n;
}
