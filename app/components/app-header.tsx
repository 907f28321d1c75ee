import { Link, NavLink } from "@remix-run/react";
import { PostForm } from "./ui/form";

type HeaderUser = { name: string; email: string; isAdmin: boolean } | null;

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2 py-1 text-sm font-medium ${isActive ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:text-slate-900"}`;

export function AppHeader({ user }: { user: HeaderUser }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
        <Link to="/" className="text-lg font-bold tracking-tight text-indigo-700">
          Loupe
        </Link>
        {user ? (
          <>
            <nav aria-label="Main" className="flex flex-wrap items-center gap-1">
              <NavLink to="/projects" className={navClass}>
                Projects
              </NavLink>
              <NavLink to="/settings/api-keys" className={navClass}>
                API keys
              </NavLink>
              <NavLink to="/settings/password" className={navClass}>
                Password
              </NavLink>
              {user.isAdmin ? (
                <NavLink to="/admin/users" className={navClass}>
                  Users
                </NavLink>
              ) : null}
              {user.isAdmin ? (
                <NavLink to="/admin/llm" className={navClass}>
                  LLM providers
                </NavLink>
              ) : null}
              {user.isAdmin ? (
                <NavLink to="/admin/health" className={navClass}>
                  Health
                </NavLink>
              ) : null}
            </nav>
            <div className="ml-auto flex items-center gap-3">
              <span className="hidden text-sm text-slate-600 sm:inline" title={user.email}>
                {user.name}
              </span>
              <PostForm action="/logout">
                <button type="submit" className="rounded-md px-2 py-1 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                  Sign out
                </button>
              </PostForm>
            </div>
          </>
        ) : null}
      </div>
    </header>
  );
}
