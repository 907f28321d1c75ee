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

const sameTwice = (value: { newPassword: string; confirmPassword: string }) => value.newPassword === value.confirmPassword;
const twiceIssue = { error: "The two passwords differ; type the same one twice.", path: ["confirmPassword"] };

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password." }).min(1, { error: "Enter your current password." }).max(200),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ error: "Type the new password again." }),
  })
  .refine(sameTwice, twiceIssue)
  .refine((value) => value.newPassword !== value.currentPassword, { error: "Choose a password different from the current one.", path: ["newPassword"] });

export const resetPasswordSchema = z
  .object({ newPassword: newPasswordSchema, confirmPassword: z.string({ error: "Type the new password again." }) })
  .refine(sameTwice, twiceIssue);
