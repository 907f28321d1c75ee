import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./http.server";

const ORIGIN = "http://127.0.0.1:3000";

describe("safeRedirectPath", () => {
  // Each of these, handed to a browser as a Location, would leave Loupe (or run script).
  it.each([
    "//example.org",
    "//example.org/phish",
    "/\\example.org",
    "\\\\example.org",
    "/\t/example.org/phish",
    "/\n/example.org",
    "/\r\n/example.org",
    "\t//example.org",
    "/\t\\example.org",
    "/\\\t/example.org",
    "/.//example.org",
    "/a/../..//example.org",
    "/./\\example.org",
    "https:example.org",
    "https://example.org",
    "http:/example.org",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " /projects",
    "\u0000/projects",
    "example.org",
    "",
    "%2F%2Fexample.org",
    "data:text/html,<script>alert(1)</script>",
  ])("refuses %j and falls back", (to) => {
    expect(safeRedirectPath(to, "/projects", ORIGIN)).toBe("/projects");
    expect(safeRedirectPath(to)).toBe("/projects");
  });

  // Decoded once (as URLSearchParams does with ?redirectTo=), these are the same attacks.
  it.each(["%2F%09%2Fexample.org%2Fphish", "%2F%5Cexample.org", "%2F%2Fexample.org", "%2F%0A%2Fexample.org", "%2F.%2F%2Fexample.org"])(
    "refuses the decoded form of %s",
    (encoded) => {
      expect(safeRedirectPath(decodeURIComponent(encoded), "/projects", ORIGIN)).toBe("/projects");
    },
  );

  it.each([
    ["/projects", "/projects"],
    ["/settings/api-keys", "/settings/api-keys"],
    ["/projects/1?tab=members#add", "/projects/1?tab=members#add"],
    ["/projects?next=//example.org", "/projects?next=//example.org"],
    ["/%2F%2Fexample.org", "/%2F%2Fexample.org"],
    ["/%09/example.org", "/%09/example.org"],
    ["/a b", "/a%20b"],
  ])("keeps the same-origin path %j as %j", (to, expected) => {
    expect(safeRedirectPath(to, "/projects", ORIGIN)).toBe(expected);
    // Whatever comes back stays on the origin when a browser resolves it.
    expect(new URL(safeRedirectPath(to, "/projects", ORIGIN), ORIGIN).origin).toBe(ORIGIN);
  });

  it("falls back for anything that is not a string", () => {
    expect(safeRedirectPath(null)).toBe("/projects");
    expect(safeRedirectPath(undefined, "/home")).toBe("/home");
  });
});
