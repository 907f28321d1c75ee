import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import type { FormReader } from "~/utils/route.server";
import { createInvite, type CreatedInvite } from "./create-invite.server";
import type { InviteMail } from "./mail-invite.server";
import { resendInvite } from "./resend-invite.server";
import { revokeInvite } from "./revoke-invite.server";
import type { ProjectInviteInput } from "./schemas";

/** A link just made, as its maker's page shows it once: the token is in `link` and nowhere else. */
export type ShownInvite = { email: string; link: string; expiresAt: string; mail: InviteMail };
export type InviteResult = { target: string; notice?: string; invite?: ShownInvite };

const shown = (invite: CreatedInvite): ShownInvite => ({ email: invite.email, link: invite.link, expiresAt: invite.expiresAt.toISOString(), mail: invite.mail });

/**
 * The invite forms of the project page (with `projectId`) and the admin users page (instance
 * invites): make, revoke or resend. Undefined when the form is about something else.
 */
export async function handleInviteIntent(db: Db, actor: Actor, form: FormReader, place: { projectId: string | null; origin: string }): Promise<InviteResult | undefined> {
  const intent = form.text("intent");
  const target = `${intent}:${form.text("inviteId")}`;
  if (intent === "invite") {
    const input = { email: form.text("email"), expiresInDays: form.optional("expiresInDays") };
    // why: a cast only for the compiler; the verb's schema checks the role like every other field.
    const role = form.text("role") as ProjectInviteInput["role"];
    const invite = place.projectId
      ? await createInvite(db, actor, { projectId: place.projectId, input: { ...input, role }, origin: place.origin })
      : await createInvite(db, actor, { projectId: null, input, origin: place.origin });
    return { target, invite: shown(invite) };
  }
  if (intent === "resend-invite") return { target, invite: shown(await resendInvite(db, actor, { inviteId: form.text("inviteId"), origin: place.origin })) };
  if (intent === "revoke-invite") {
    const revoked = await revokeInvite(db, actor, form.text("inviteId"));
    return { target, notice: `Invite for ${revoked.email} revoked; its link no longer works.` };
  }
  return undefined;
}
