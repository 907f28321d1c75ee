import { describe, expect, it } from "vitest";
import { findNul, findNulInFields } from "./nul";

describe("finding a NUL", () => {
  it("names the path of the string or key that holds it in a JSON value", () => {
    expect(findNul({ name: "ok", questions: [{ text: "fine" }, { text: "bad\u0000" }] })).toBe("questions.1.text");
    expect(findNul({ ["odd\u0000key"]: 1 })).toBe("odd\\0key");
    expect(findNul("root\u0000")).toBe("(body)");
    expect(findNul({ a: [1, true, null, { b: "clean" }] })).toBeNull();
  });

  it("walks a deeply nested value without overflowing the stack", () => {
    let deep: unknown = "end\u0000";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findNul(deep)).toMatch(/^0(\.0)+$/);
  });

  it("names a form field by its name, and looks inside fields that carry JSON", () => {
    expect(findNulInFields([["name", "ok"], ["description", "a\u0000b"]])).toBe("description");
    expect(findNulInFields([["_values", JSON.stringify({ comment: "typed \u0000 here" })]])).toBe("_values.comment");
    expect(findNulInFields([["template", JSON.stringify("\u0000")]])).toBeNull(); // a JSON string field is not an object or array
    expect(findNulInFields([["note", "[not json \\u0000"]])).toBeNull();
    expect(findNulInFields([["_values", '{"comment": "a backslash-u: \\\\u0000"}']])).toBeNull();
    expect(findNulInFields(new URLSearchParams("q=%00"))).toBe("q");
  });
});
