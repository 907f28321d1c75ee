import { z } from "zod";

export const MIN_PASSWORD_LENGTH = 10;

export const emailSchema = z
  .string({ error: "Enter an email address." })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }));

export const newPasswordSchema = z
  .string({ error: "Enter a password." })
  .min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` })
  .max(200, { error: "Use at most 200 characters." });

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string({ error: "Enter your password." }).min(1, { error: "Enter your password." }).max(200),
});

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(120),
  password: newPasswordSchema,
  isAdmin: z.boolean().default(false),
  canCreateProjects: z.boolean().default(false),
});
export type NewUser = z.infer<typeof newUserSchema>;
