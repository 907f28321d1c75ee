import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SHARED_DATA, ciIsOn, findUnder, sharedData } from "./shared-data";

// why: a name that is certainly not under ../shared/data stands for the whole folder missing.
const MISSING = "no-such-folder-for-the-helper-test";

describe("sharedData: the one helper for ../shared/data", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it.each(["1", "true", "TRUE"])("throws for a missing folder when CI=%s, naming what is missing", (ci) => {
    vi.stubEnv("CI", ci);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(() => sharedData(MISSING)).toThrow(`${path.join(SHARED_DATA, MISSING)} not found: the tests that read real data cannot run. In CI (CI=${ci}) the real data must be present.`);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([undefined, "", "0", "false"])("warns and returns null for a missing folder when CI is %j", (ci) => {
    vi.stubEnv("CI", ci as string);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(sharedData(MISSING)).toBeNull();
    expect(warn).toHaveBeenCalledWith(`\n*** NOTICE: ${path.join(SHARED_DATA, MISSING)} not found: the tests that read real data are skipped. ***\n`);
  });

  it("returns the absolute paths when all are there (in CI too), and names only the missing ones otherwise", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-shared-"));
    try {
      fs.mkdirSync(path.join(root, "banking77"));
      fs.writeFileSync(path.join(root, "banking77", "train.csv"), "text,category\n");
      expect(findUnder(root, ["banking77", "banking77/train.csv"], { CI: "1" })).toEqual([path.join(root, "banking77"), path.join(root, "banking77/train.csv")]);
      expect(() => findUnder(root, ["banking77/train.csv", "banking77/test.csv"], { CI: "true" })).toThrow(new RegExp(`^${path.join(root, "banking77/test.csv")} not found:`));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("reads CI as on only for 1 or true", () => {
    expect([undefined, "", "0", "false", "yes", "1", "true", "True"].map((CI) => ciIsOn({ CI }))).toEqual([false, false, false, false, false, true, true, true]);
  });
});
