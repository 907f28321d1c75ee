import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { createUser } from "~/modules/users/create-user.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { addMember } from "./add-member.server";
import { authorizeProject } from "./authorize.server";
import { createProject } from "./create-project.server";
import {
  can,
  canOnInstance,
  instanceActions,
  projectActions,
  peopleVisibility,
  refusalOf,
  projectCreatorsSettings,
  type InstanceAction,
  type ProjectAction,
  type ProjectCreators,
  type ProjectRole,
} from "./policy";

type Subject = ProjectRole | "admin" | "outsider";
const Y = true;
const n = false;

// The written-down matrix: what each kind of person may do on a project. It is spelled out here
// on purpose (not derived from policy.ts), so a change to the policy has to change this table too.
// prettier-ignore
const matrix: Record<ProjectAction, Record<Subject, boolean>> = {
  //                          manager reviewer researcher engineer admin outsider
  "project.view":           { manager: Y, reviewer: Y, researcher: Y, engineer: Y, admin: Y, outsider: n },
  "project.update":         { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "project.archive":        { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "members.manage":         { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "people.identify":        { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "items.import":           { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "items.read":             { manager: Y, reviewer: n, researcher: Y, engineer: Y, admin: Y, outsider: n },
  "items.manage":           { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "review.annotate":        { manager: Y, reviewer: Y, researcher: n, engineer: n, admin: Y, outsider: n },
  "annotations.read_all":   { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "annotations.adjudicate": { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "quality.view":           { manager: Y, reviewer: n, researcher: Y, engineer: Y, admin: Y, outsider: n },
  "datasets.manage":        { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "datasets.export":        { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "feedback.read":          { manager: Y, reviewer: n, researcher: Y, engineer: Y, admin: Y, outsider: n },
  "feedback.code":          { manager: Y, reviewer: n, researcher: Y, engineer: n, admin: Y, outsider: n },
  "feedback.manage":        { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
  "llm.run":                { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "judge.calibration":      { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "classifier.train":       { manager: Y, reviewer: n, researcher: n, engineer: Y, admin: Y, outsider: n },
  "webhooks.manage":        { manager: Y, reviewer: n, researcher: n, engineer: n, admin: Y, outsider: n },
};

const subjects: Subject[] = ["manager", "reviewer", "researcher", "engineer", "admin", "outsider"];

// How each kind of person sees the project's people, without and with the project's opt-in to
// show names to members: N = names, E = emails, P = pseudonyms only.
// prettier-ignore
const peopleMatrix: Record<"default" | "names shown", Record<Subject, "N+E" | "N" | "P">> = {
  //              manager      reviewer       researcher       engineer       admin        outsider
  default:       { manager: "N+E", reviewer: "P", researcher: "P", engineer: "P", admin: "N+E", outsider: "P" },
  "names shown": { manager: "N+E", reviewer: "N", researcher: "N", engineer: "N", admin: "N+E", outsider: "P" },
};

// What may be done outside any project, by setting: an admin, the CLI's operator, a user an admin
// allowed to create projects, and any other user.
type InstanceSubjectName = "admin" | "operator" | "allowed user" | "user";
// prettier-ignore
const instanceMatrix: Record<InstanceAction, Record<ProjectCreators, Record<InstanceSubjectName, boolean>>> = {
  //                               admin operator allowed-user user
  "projects.create": {
    allowed:  { admin: Y, operator: Y, "allowed user": Y, user: n },
    everyone: { admin: Y, operator: Y, "allowed user": Y, user: Y },
  },
};
const instanceSubjects: Record<InstanceSubjectName, { isAdmin: boolean; canCreateProjects: boolean; operator: boolean }> = {
  admin: { isAdmin: true, canCreateProjects: false, operator: false },
  operator: { isAdmin: false, canCreateProjects: false, operator: true },
  "allowed user": { isAdmin: false, canCreateProjects: true, operator: false },
  user: { isAdmin: false, canCreateProjects: false, operator: false },
};

describe("instance policy", () => {
  it("covers every instance action", () => {
    expect(Object.keys(instanceMatrix).sort()).toEqual([...instanceActions].sort());
  });

  it.each(
    instanceActions.flatMap((action) =>
      projectCreatorsSettings.flatMap((setting) => (Object.keys(instanceSubjects) as InstanceSubjectName[]).map((who) => [who, action, setting] as const)),
    ),
  )("%s → %s when project creators are %s", (who, action, setting) => {
    expect(canOnInstance(instanceSubjects[who], action, { projectCreators: setting })).toBe(instanceMatrix[action][setting][who]);
  });
});

function subjectOf(subject: Subject) {
  return subject === "admin" ? { isAdmin: true, role: null } : subject === "outsider" ? { isAdmin: false, role: null } : { isAdmin: false, role: subject };
}

describe("project policy", () => {
  it("covers every action the policy knows", () => {
    expect(Object.keys(matrix).sort()).toEqual([...projectActions].sort());
  });

  it.each(projectActions.flatMap((action) => subjects.map((subject) => [subject, action] as const)))(
    "%s → %s",
    (subject, action) => {
      expect(can(subjectOf(subject), action)).toBe(matrix[action][subject]);
    },
  );

  it.each((["default", "names shown"] as const).flatMap((setting) => subjects.map((subject) => [subject, setting] as const)))(
    "%s sees people (%s)",
    (subject, setting) => {
      const view = peopleVisibility(subjectOf(subject), { showReviewerNames: setting === "names shown" });
      const expected = peopleMatrix[setting][subject];
      expect(view).toEqual({ names: expected !== "P", emails: expected === "N+E" });
    },
  );

  it("is enforced against real memberships: allowed passes, disallowed is 403, non-members get 404", async () => {
    const tag = randomUUID().slice(0, 8);
    const people = {} as Record<Subject, Actor>;
    for (const subject of subjects) {
      const user = await createUser(db, null, {
        email: `${subject}-${tag}@example.com`,
        name: subject,
        password: "correct horse battery",
        isAdmin: subject === "admin",
        canCreateProjects: subject === "manager",
      });
      people[subject] = { userId: user.id, isAdmin: subject === "admin", via: "session" };
    }
    const project = await createProject(db, people.manager, { name: `Matrix ${tag}` });
    for (const role of ["reviewer", "researcher", "engineer"] as const) {
      await addMember(db, people.manager, project.id, { email: `${role}-${tag}@example.com`, role });
    }

    for (const action of projectActions) {
      for (const subject of subjects) {
        const attempt = authorizeProject(db, people[subject], project.id, action);
        if (matrix[action][subject]) {
          await expect(attempt, `${subject} ${action}`).resolves.toMatchObject({ projectId: project.id });
        } else {
          await expect(attempt, `${subject} ${action}`).rejects.toBeInstanceOf(
            subject === "outsider" ? NotFoundError : ForbiddenError,
          );
        }
      }
    }
  });

  it("answers 404, not 403, for a project id that does not exist or is malformed", async () => {
    const actor: Actor = { userId: randomUUID(), isAdmin: true, via: "session" };
    await expect(authorizeProject(db, actor, randomUUID(), "project.view")).rejects.toBeInstanceOf(NotFoundError);
    await expect(authorizeProject(db, actor, "not-a-uuid", "project.view")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("refusals in words", () => {
  it("names who may do it and what, never the action's internal name", () => {
    expect(refusalOf("project.update")).toBe("Only managers can change this project's settings.");
    expect(refusalOf("items.import")).toBe("Only managers and engineers can import items.");
    expect(refusalOf("feedback.read")).toBe("Only managers, researchers and engineers can read feedback.");
    for (const action of projectActions) {
      expect(refusalOf(action), action).toMatch(/^Only [a-z ,]+ can [^.]+\.$/);
      expect(refusalOf(action), action).not.toContain(action);
    }
  });

  it("is what a refused member is told", async () => {
    const tag = randomUUID().slice(0, 8);
    const manager = await createUser(db, null, { email: `m-${tag}@example.com`, name: "M", password: "correct horse battery", canCreateProjects: true });
    const reviewer = await createUser(db, null, { email: `r-${tag}@example.com`, name: "R", password: "correct horse battery" });
    const managerActor: Actor = { userId: manager.id, isAdmin: false, via: "session" };
    const project = await createProject(db, managerActor, { name: `Refusal ${tag}` });
    await addMember(db, managerActor, project.id, { email: reviewer.email, role: "reviewer" });
    await expect(authorizeProject(db, { userId: reviewer.id, isAdmin: false, via: "session" }, project.id, "project.update")).rejects.toThrow(
      "Only managers can change this project's settings.",
    );
  });
});
