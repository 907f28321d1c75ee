/** Who is acting: every verb takes one and scopes what it touches to it. */
export type Actor = {
  userId: string;
  isAdmin: boolean;
  via: "session" | "api-key" | "cli";
};
