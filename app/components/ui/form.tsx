import { Form, type FormProps } from "@remix-run/react";
import { CsrfInput } from "./csrf-input";

/** A Remix <Form method="post"> that always carries the CSRF token. Works before JavaScript loads. */
export function PostForm({ children, ...props }: Omit<FormProps, "method">) {
  return (
    <Form method="post" {...props}>
      <CsrfInput />
      {children}
    </Form>
  );
}
