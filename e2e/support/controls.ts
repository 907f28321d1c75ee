import { expect, type Page } from "@playwright/test";

/**
 * Every visible text input, number input, select and textarea on the page draws an edge a person
 * can see: a border with a width, or a ring (a box-shadow). why: without Tailwind's forms plugin a
 * border colour alone draws nothing, and inputs looked like plain text.
 */
export async function expectEveryControlDrawn(page: Page) {
  const bare = await page.evaluate(() => {
    const controls = [...document.querySelectorAll<HTMLElement>("input, select, textarea")].filter((el) => {
      const type = (el as HTMLInputElement).type;
      return !["hidden", "checkbox", "radio", "submit", "button", "file"].includes(type) && el.offsetParent !== null;
    });
    return controls
      .filter((el) => {
        const style = getComputedStyle(el);
        const border = ["Top", "Right", "Bottom", "Left"].some(
          (side) => parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) > 0 && style.getPropertyValue(`border-${side.toLowerCase()}-style`) !== "none",
        );
        return !border && style.boxShadow === "none";
      })
      .map((el) => el.getAttribute("name") ?? el.id);
  });
  expect(bare, "controls drawn without any border or ring").toEqual([]);
}
