import type { FormFields } from "./types";

// why: browsers send a textarea's line breaks as CRLF; the outputs and the JS path use LF.
const lf = (s: string) => s.replace(/\r\n?/g, "\n");

/** A posted form as the kinds' `readForm` reads it: empty fields are absent, line breaks are LF. */
export function formFields(form: FormData): FormFields {
  return {
    text(name) {
      const v = form.get(name);
      return typeof v === "string" && v !== "" ? lf(v) : undefined;
    },
    list: (name) => form.getAll(name).filter((v): v is string => typeof v === "string" && v !== ""),
  };
}
