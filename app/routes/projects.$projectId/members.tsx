import { useNavigation } from "@remix-run/react";
import { ConfirmAction } from "~/components/confirm-action";
import { InvitesPanel, type InvitesResult, type ListedInvite } from "~/components/invites/invites-panel";
import { Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { projectRoles, roleLabels, type ProjectRole } from "~/modules/projects/policy";

export type MemberResult = InvitesResult;
/** A member as the viewer may see them: ids and emails only for those who manage members. */
type Member = { userId: string | null; label: string; email: string | null; isYou: boolean; role: ProjectRole; disabled: boolean };
type ManagedMember = Member & { userId: string };

const roleOptions = projectRoles.map((role) => ({ value: role, label: roleLabels[role] }));

export function Members({
  members,
  canManage,
  result,
  invites,
}: {
  members: Member[];
  canManage: boolean;
  result: MemberResult | undefined;
  /** The project's invites, for those who manage members. */
  invites: { list: ListedInvite[]; canMail: boolean } | null;
}) {
  const errorFor = (target: string) => (result?.target === target ? result.formError : undefined);
  return (
    <Section title="Members" description={canManage ? "Add people who already have a Loupe account and choose their role." : undefined}>
      {result?.notice && !result.target?.includes("invite") ? <Alert tone="success">{result.notice}</Alert> : null}
      <ul aria-label="Members" className="divide-y divide-slate-200">
        {members.map((member) => (
          <li key={member.userId ?? member.label} className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between">
            <div className="min-w-0">
              <p className="break-words font-medium">
                {member.label}
                {member.isYou ? <span className="ml-1 text-sm font-normal text-slate-500">(you)</span> : null}
                {member.disabled ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium">Disabled</span> : null}
              </p>
              {member.email ? <p className="break-all text-sm text-slate-600">{member.email}</p> : null}
            </div>
            {canManage && member.userId ? (
              <MemberControls
                member={{ ...member, userId: member.userId }}
                error={errorFor(`change-role:${member.userId}`) ?? errorFor(`remove-member:${member.userId}`)}
              />
            ) : (
              <p className="text-sm font-medium">{roleLabels[member.role]}</p>
            )}
          </li>
        ))}
      </ul>
      {canManage ? <AddMemberForm result={result?.target?.startsWith("add-member") ? result : undefined} /> : null}
      {invites ? <InvitesPanel invites={invites.list} result={result} withRole canMail={invites.canMail} /> : null}
    </Section>
  );
}

function MemberControls({ member, error }: { member: ManagedMember; error: string | undefined }) {
  return (
    <div className="flex flex-col gap-2 sm:items-end">
      <div className="flex flex-wrap items-end gap-2">
        <PostForm className="flex items-end gap-2">
          <input type="hidden" name="intent" value="change-role" />
          <input type="hidden" name="userId" value={member.userId} />
          <label className="sr-only" htmlFor={`role-${member.userId}`}>
            Role for {member.label}
          </label>
          <select
            id={`role-${member.userId}`}
            name="role"
            defaultValue={member.role}
            // why: a new key after a save or a refusal resets the select to what the server holds.
            key={`${member.role}:${error ?? ""}`}
            className="rounded-md border-0 bg-white py-2 pl-3 pr-8 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
          >
            {roleOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <Button variant="secondary">
            Save<span className="sr-only"> role for {member.label}</span>
          </Button>
        </PostForm>
        <ConfirmAction
          label="Remove"
          subject={member.label}
          confirmLabel={`Yes, remove ${member.label}`}
          intent="remove-member"
          fields={{ userId: member.userId }}
        >
          Remove {member.label} from this project? They lose access at once; you can add them again later.
        </ConfirmAction>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700 sm:max-w-sm sm:text-right">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function AddMemberForm({ result }: { result: MemberResult | undefined }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "add-member";
  return (
    // why: a new key after each successful add clears the fields for the next person.
    <PostForm key={result?.notice ?? "add"} className="mt-6 border-t border-slate-200 pt-4" aria-labelledby="add-member-heading">
      <h3 id="add-member-heading" className="text-base font-semibold">
        Add a member
      </h3>
      <input type="hidden" name="intent" value="add-member" />
      {result?.formError ? (
        <div className="mt-3">
          <Alert tone="error">{result.formError}</Alert>
        </div>
      ) : null}
      <div className="mt-3 grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
        <Field label="Email" name="email" type="email" autoComplete="off" required error={result?.fieldErrors?.email} />
        <SelectField label="Role" name="role" defaultValue="reviewer" options={roleOptions} error={result?.fieldErrors?.role} />
        <Button className="sm:mt-6" disabled={busy}>
          {busy ? "Adding…" : "Add member"}
        </Button>
      </div>
    </PostForm>
  );
}
