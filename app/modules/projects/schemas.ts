import { z } from "zod";
import { emailSchema } from "~/modules/auth/schemas";
import { projectRoles } from "./policy";

export const projectInputSchema = z.object({
  name: z
    .string({ error: "Enter a project name." })
    .trim()
    .min(1, { error: "Enter a project name." })
    .max(120, { error: "Use at most 120 characters." }),
  description: z.string().trim().max(2000, { error: "Use at most 2000 characters." }).default(""),
});
export type ProjectInput = z.input<typeof projectInputSchema>;

export const roleSchema = z.enum(projectRoles, { error: `Choose one of: ${projectRoles.join(", ")}.` });

export const memberInputSchema = z.object({
  email: emailSchema,
  role: roleSchema,
});
export type MemberInput = z.input<typeof memberInputSchema>;

/**
 * The most answers a project may want per item. Surveys and agreement studies use 20–50 raters;
 * the database's `projects_overlap_range` check holds the same bound.
 */
export const MAX_OVERLAP = 50;
