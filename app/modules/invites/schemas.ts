import { z } from "zod";
import { emailSchema, newPasswordSchema } from "~/modules/auth/schemas";
import { roleSchema } from "~/modules/projects/schemas";

/** How long an invite link works unless its maker chose otherwise, and the longest they may choose. */
export const INVITE_DEFAULT_DAYS = 7;
export const INVITE_MAX_DAYS = 30;

const expiresInDays = z.coerce
  .number({ error: `Enter a number of days from 1 to ${INVITE_MAX_DAYS}.` })
  .int({ error: `Enter a whole number of days from 1 to ${INVITE_MAX_DAYS}.` })
  .min(1, { error: `Enter a number of days from 1 to ${INVITE_MAX_DAYS}.` })
  .max(INVITE_MAX_DAYS, { error: `An invite works at most ${INVITE_MAX_DAYS} days.` })
  .default(INVITE_DEFAULT_DAYS);

/** An invite to a project, with the role the person gets there. */
export const projectInviteSchema = z.object({ email: emailSchema, role: roleSchema, expiresInDays });
export type ProjectInviteInput = z.input<typeof projectInviteSchema>;

/** An admin's invite to the instance, optionally into a project with a role. */
export const instanceInviteSchema = z.object({ email: emailSchema, expiresInDays });
export type InstanceInviteInput = z.input<typeof instanceInviteSchema>;

const sameTwice = (value: { newPassword: string; confirmPassword: string }) => value.newPassword === value.confirmPassword;

/** What a new person types to accept: the name others see and a password (the usual rules). */
export const acceptInviteSchema = z
  .object({
    name: z.string({ error: "Enter your name." }).trim().min(1, { error: "Enter your name." }).max(120, { error: "Use at most 120 characters." }),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ error: "Type the password again." }),
  })
  .refine(sameTwice, { error: "The two passwords differ; type the same one twice.", path: ["confirmPassword"] });

export const inviteStates = ["pending", "used", "expired", "revoked"] as const;
export type InviteState = (typeof inviteStates)[number];
