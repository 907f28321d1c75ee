/**
 * The one answer to "may this actor do this on this project". Pure and browser-safe, so screens
 * hide what the server would refuse; the server still asks it on every route and verb.
 */
export const projectRoles = ["manager", "reviewer", "researcher", "engineer"] as const;
export type ProjectRole = (typeof projectRoles)[number];

export const projectActions = [
  "project.view",
  "project.update",
  "project.archive",
  "members.manage",
  "people.identify",
  "items.import",
  "items.read",
  "items.manage",
  "review.annotate",
  "annotations.read_all",
  "annotations.adjudicate",
  "quality.view",
  "datasets.manage",
  "datasets.export",
  "feedback.read",
  "feedback.code",
  "feedback.manage",
  "llm.run",
  "judge.calibration",
  "classifier.train",
  "webhooks.manage",
] as const;
export type ProjectAction = (typeof projectActions)[number];

const grants: Record<ProjectRole, ReadonlySet<ProjectAction>> = {
  manager: new Set(projectActions),
  reviewer: new Set(["project.view", "review.annotate"]),
  researcher: new Set(["project.view", "items.read", "quality.view", "feedback.read", "feedback.code"]),
  engineer: new Set([
    "project.view",
    "items.import",
    "items.read",
    "annotations.read_all",
    "quality.view",
    "datasets.manage",
    "datasets.export",
    "feedback.read",
    "llm.run",
    "judge.calibration",
    "classifier.train",
  ]),
};

export type PolicySubject = { isAdmin: boolean; role: ProjectRole | null };

/** Instance admins may do everything; members what their role grants; non-members nothing. */
export function can(subject: PolicySubject, action: ProjectAction): boolean {
  if (subject.isAdmin) return true;
  if (!subject.role) return false;
  return grants[subject.role].has(action);
}

export const roleLabels: Record<ProjectRole, string> = {
  manager: "Manager",
  reviewer: "Reviewer",
  researcher: "Researcher",
  engineer: "Engineer",
};

/** How someone sees the people of a project: by name or by project pseudonym, and with or without email. */
export type PeopleVisibility = { names: boolean; emails: boolean };

/**
 * Managers (and admins) see who is who: names and emails. Every other member sees pseudonyms,
 * stable per project, unless the project opts in to showing names to its members (never emails).
 */
export function peopleVisibility(subject: PolicySubject, project: { showReviewerNames: boolean }): PeopleVisibility {
  const identify = can(subject, "people.identify");
  return { names: identify || (project.showReviewerNames && can(subject, "project.view")), emails: identify };
}

/** Who may create projects: admins and the users an admin allowed (the default), or everyone. */
export const projectCreatorsSettings = ["allowed", "everyone"] as const;
export type ProjectCreators = (typeof projectCreatorsSettings)[number];

export const instanceActions = ["projects.create"] as const;
export type InstanceAction = (typeof instanceActions)[number];

/** Someone acting on the instance as a whole; `operator` is whoever runs the CLI on the server's machine. */
export type InstanceSubject = { isAdmin: boolean; canCreateProjects: boolean; operator: boolean };
export type InstanceSettings = { projectCreators: ProjectCreators };

/** What may be done outside any one project. Admins and the machine's operator may do all of it. */
export function canOnInstance(subject: InstanceSubject, action: InstanceAction, settings: InstanceSettings): boolean {
  if (subject.isAdmin || subject.operator) return true;
  switch (action) {
    case "projects.create":
      return settings.projectCreators === "everyone" || subject.canCreateProjects;
  }
}

/** What each action lets someone do, as the end of "Only managers can …". */
const actionPhrases: Record<ProjectAction, string> = {
  "project.view": "open this project",
  "project.update": "change this project's settings",
  "project.archive": "archive this project",
  "members.manage": "add, change or remove members",
  "people.identify": "see members' names and emails",
  "items.import": "import items",
  "items.read": "browse this project's items",
  "items.manage": "change, mark as gold or delete items in bulk",
  "review.annotate": "review items",
  "annotations.read_all": "see every reviewer's answers",
  "annotations.adjudicate": "adjudicate disagreements",
  "quality.view": "see quality and agreement figures",
  "datasets.manage": "create and change datasets",
  "datasets.export": "export datasets",
  "feedback.read": "read feedback",
  "feedback.code": "code feedback into themes",
  "feedback.manage": "manage ingest keys and feedback settings",
  "llm.run": "run LLM generations and judges",
  "judge.calibration": "calibrate the LLM judge",
  "classifier.train": "train and configure the classifier",
  "webhooks.manage": "manage this project's webhooks",
};

const pluralRoles: Record<ProjectRole, string> = { manager: "managers", reviewer: "reviewers", researcher: "researchers", engineer: "engineers" };

/**
 * Why the actor is refused `action`, in words a person reads ("Only managers and engineers can
 * import items."), never the action's internal name.
 */
export function refusalOf(action: ProjectAction): string {
  const roles = rolesAllowed(action).map((role) => pluralRoles[role]);
  const who = roles.length <= 1 ? (roles[0] ?? "instance admins") : `${roles.slice(0, -1).join(", ")} and ${roles.at(-1)}`;
  return `Only ${who} can ${actionPhrases[action]}.`;
}

/** The roles whose members may do `action` (admins aside): for checks that run inside SQL. */
export function rolesAllowed(action: ProjectAction): ProjectRole[] {
  return projectRoles.filter((role) => grants[role].has(action));
}
