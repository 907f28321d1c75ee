import { NavLink, useParams, useRouteLoaderData } from "@remix-run/react";
import { can, type ProjectRole } from "~/modules/projects/policy";

type Tab = { to: string; label: string; end?: boolean };

/**
 * The user-research area's tabs: the inbox, the codebook, quotes, blind coding samples, theme
 * trends and LLM suggestions, and (for managers) ingest keys and privacy settings.
 */
export function FeedbackNav({ role }: { role?: ProjectRole | null }) {
  const projectId = useParams().projectId ?? "";
  const root = useRouteLoaderData<{ user: { isAdmin: boolean } | null }>("root");
  // why the policy: the tab shows exactly when the settings page would open (managers and instance admins).
  const canManage = can({ isAdmin: root?.user?.isAdmin ?? false, role: role ?? null }, "feedback.manage");
  const base = `/projects/${projectId}/feedback`;
  const tabs: Tab[] = [
    { to: base, label: "Inbox", end: true },
    { to: `${base}/themes`, label: "Codebook" },
    { to: `${base}/quotes`, label: "Quotes" },
    { to: `${base}/samples`, label: "Coding samples" },
    { to: `${base}/trends`, label: "Trends" },
    { to: `${base}/suggestions`, label: "Suggestions" },
    ...(canManage ? [{ to: `/projects/${projectId}/feedback-settings`, label: "Ingest & privacy" }] : []),
  ];
  return (
    <nav aria-label="Feedback" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200 text-sm">
      {tabs.map((tab) => (
        <NavLink
          key={tab.to}
          to={tab.to}
          end={tab.end}
          className={({ isActive }) =>
            `-mb-px border-b-2 px-3 py-2 font-medium ${isActive ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`
          }
        >
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
