import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** The WCAG 2.1 A and AA rules: what the issue's "axe-core clean" is measured against. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * Runs axe-core on the page as it is now and fails with each violation's rule, impact and the
 * elements it found, so a failure says what to mend without opening a trace.
 */
export async function expectNoAxeViolations(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(" ")}  ${n.html.slice(0, 160)}`).slice(0, 5).join("\n    ")}`);
  // why soft: a page walk reports every page's violations in one run, not only the first page's.
  expect.soft(found, `axe-core on ${where} (${page.url()})`).toEqual([]);
}
