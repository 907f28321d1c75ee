import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";

// The widget (public/widget/loupe-feedback.js) is a plain browser script: it runs here in a
// linkedom document with a recorded fetch. The browser story is e2e/feedback-widget.spec.ts.

const source = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../public/widget/loupe-feedback.js"), "utf8");

type Sent = { url: string; init: { method: string; headers: Record<string, string>; body: string; credentials: string } };
type Widget = {
  mount: (el: Element, options: Record<string, unknown>) => { destroy: () => void };
  languages: string[];
  _internal: {
    STRINGS: Record<string, Record<string, string>>;
    pickLanguage: (wanted: unknown[]) => string;
    resolveStrings: (lang: string, overrides?: unknown) => Record<string, string>;
    optionsFromDataset: (dataset: Record<string, string | undefined>) => Record<string, unknown>;
    buildRecord: (options: Record<string, unknown>, choice: string | null, comment: string, id: string) => Record<string, unknown>;
    messageFor: (status: number, strings: Record<string, string>) => string;
  };
};

function load(html: string, answer: (sent: Sent) => Promise<{ status: number }> = async () => ({ status: 201 }), lang = "en-US") {
  const { document } = parseHTML(html);
  const sent: Sent[] = [];
  const window: Record<string, unknown> = {
    crypto: globalThis.crypto,
    console,
    navigator: { language: lang },
    location: { origin: "https://shop.example" },
    fetch: (url: string, init: Sent["init"]) => {
      sent.push({ url, init });
      return answer({ url, init });
    },
  };
  new Function("window", "document", source)(window, document);
  return { document, sent, widget: window.LoupeFeedback as Widget };
}

const button = (document: Document, name: string) => [...document.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === name || b.textContent === name)!;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the widget's string tables", () => {
  const { widget } = load("<html><body></body></html>");
  const { STRINGS, pickLanguage, resolveStrings } = widget._internal;

  it("speaks en, de, fr and es, each with every string English has, none empty", () => {
    expect(widget.languages).toEqual(["en", "de", "fr", "es"]);
    for (const lang of widget.languages) {
      expect(Object.keys(STRINGS[lang]!).sort()).toEqual(Object.keys(STRINGS.en!).sort());
      expect(Object.values(STRINGS[lang]!).every((s) => s.trim().length > 0)).toBe(true);
    }
    // Translated, not copied.
    expect(new Set(widget.languages.map((l) => STRINGS[l]!.question)).size).toBe(4);
  });

  it("picks the first language it speaks, by base language, else English", () => {
    expect(pickLanguage(["de"])).toBe("de");
    expect(pickLanguage(["fr-CA"])).toBe("fr");
    expect(pickLanguage(["ES_mx"])).toBe("es");
    expect(pickLanguage([undefined, "", "nl", "de-AT"])).toBe("de");
    expect(pickLanguage(["ja"])).toBe("en");
    expect(pickLanguage([])).toBe("en");
  });

  it("lets a page override single strings; unknown keys and non-text values are ignored", () => {
    const t = resolveStrings("de", { question: "Hilft Ihnen das?", bogus: "x", send: 42, thanks: "  " });
    expect(t.question).toBe("Hilft Ihnen das?");
    expect(t.send).toBe("Senden");
    expect(t.thanks).toBe("Vielen Dank für Ihr Feedback!");
    expect("bogus" in t).toBe(false);
    expect(resolveStrings("xx").question).toBe("Was this helpful?");
  });

  it("says in plain words what went wrong", () => {
    const t = resolveStrings("en");
    expect(widget._internal.messageFor(429, t)).toMatch(/try again in a minute/);
    expect(widget._internal.messageFor(0, t)).toMatch(/connection failed/);
    expect(widget._internal.messageFor(403, t)).toBe("Feedback cannot be sent from this website.");
    expect(widget._internal.messageFor(401, t)).toBe("This feedback form is not set up correctly.");
    expect(widget._internal.messageFor(500, t)).toMatch(/try again later/);
  });
});

describe("the widget's options and record", () => {
  const { widget } = load("<html><body></body></html>");
  const { optionsFromDataset, buildRecord } = widget._internal;

  it("reads data-* attributes, trimming text and parsing JSON ones; bad JSON is left out", () => {
    const options = optionsFromDataset({
      key: " lfi_0123abcd_secret ",
      traceId: "t-1",
      lang: "fr",
      userId: "u-9",
      segment: "",
      metadata: '{"plan":"pro"}',
      strings: "{not json",
      item: "[1,2]",
      onclick: "alert(1)",
    });
    expect(options).toEqual({ key: "lfi_0123abcd_secret", traceId: "t-1", lang: "fr", userId: "u-9", metadata: { plan: "pro" } });
  });

  it("sends only the fields the API knows, a trimmed comment, and leaves blank ones out", () => {
    const options = { key: "k", traceId: "t-1", segment: "beta", model: "m", promptVersion: "v2", metadata: { plan: "pro" }, lang: "de", strings: {} };
    expect(buildRecord(options, "down", "  Too long.  ", "id-1")).toEqual({ id: "id-1", traceId: "t-1", segment: "beta", model: "m", promptVersion: "v2", metadata: { plan: "pro" }, thumbs: "down", comment: "Too long." });
    expect(buildRecord({ externalId: "e", item: { input: "q", output: "a" } }, "up", "   ", "id-2")).toEqual({ id: "id-2", externalId: "e", item: { input: "q", output: "a" }, thumbs: "up" });
  });
});

describe("the widget on a page", () => {
  it("mounts into a data-loupe-feedback target, sends 👎 with the comment and thanks the person", async () => {
    const { document, sent } = load('<html lang="en"><body><div data-loupe-feedback data-key="lfi_0123abcd_secret" data-trace-id="t-42" data-endpoint="https://loupe.example"></div></body></html>');
    expect(document.body.textContent).toContain("Was this helpful?");
    const down = button(document, "No, not helpful");
    expect(down.getAttribute("aria-pressed")).toBe("false");
    down.dispatchEvent(new document.defaultView!.Event("click"));
    expect(down.getAttribute("aria-pressed")).toBe("true");
    document.querySelector("textarea")!.value = "It ignored my question.";
    button(document, "Send").dispatchEvent(new document.defaultView!.Event("click"));
    await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("https://loupe.example/api/v1/feedback");
    expect(sent[0]!.init.headers.authorization).toBe("Bearer lfi_0123abcd_secret");
    expect(sent[0]!.init.credentials).toBe("omit");
    const record = JSON.parse(sent[0]!.init.body) as Record<string, unknown>;
    expect(record).toMatchObject({ traceId: "t-42", thumbs: "down", comment: "It ignored my question." });
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(document.querySelector('[role="status"]')!.textContent).toBe("Thank you for your feedback!");
    expect(document.querySelector("button")).toBeNull();
  });

  it("a retry after a failure sends the same client id; a rate limit is said in plain words", async () => {
    const statuses = [429, 0, 201];
    const { document, sent } = load('<html><body><div data-loupe-feedback data-key="lfi_0123abcd_secret" data-lang="es"></div></body></html>', async () => {
      const status = statuses.shift()!;
      if (status === 0) throw new TypeError("Failed to fetch");
      return { status };
    });
    button(document, "Sí, útil").dispatchEvent(new document.defaultView!.Event("click"));
    const status = document.querySelector('[role="status"]')!;
    button(document, "Enviar").dispatchEvent(new document.defaultView!.Event("click"));
    await settle();
    expect(status.textContent).toBe("Demasiadas personas están enviando opiniones ahora mismo. Inténtalo de nuevo en un minuto.");
    button(document, "Enviar").dispatchEvent(new document.defaultView!.Event("click"));
    await settle();
    expect(status.textContent).toBe("No se pudo enviar tu opinión: falló la conexión. Inténtalo de nuevo.");
    button(document, "Enviar").dispatchEvent(new document.defaultView!.Event("click"));
    await settle();
    expect(status.textContent).toBe("¡Gracias por tu opinión!");
    const ids = sent.map((s) => (JSON.parse(s.init.body) as { id: string }).id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it("without a key it says the form is not set up and sends nothing", async () => {
    const { document, sent } = load("<html><body><div data-loupe-feedback></div></body></html>");
    button(document, "Yes, helpful").dispatchEvent(new document.defaultView!.Event("click"));
    button(document, "Send").dispatchEvent(new document.defaultView!.Event("click"));
    await settle();
    expect(sent).toEqual([]);
    expect(document.querySelector('[role="status"]')!.textContent).toBe("This feedback form is not set up correctly.");
  });

  it("two script tags (one per answer) each render their own widget after themselves, with their own trace id", async () => {
    const { document } = parseHTML(
      '<html><body><p>First answer</p><script id="a" data-key="lfi_0123abcd_secret" data-trace-id="t-1"></script><p>Second answer</p><script id="b" data-key="lfi_0123abcd_secret" data-trace-id="t-2"></script></body></html>',
    );
    const sent: Sent[] = [];
    const window: Record<string, unknown> = {
      crypto: globalThis.crypto,
      console,
      navigator: { language: "en" },
      location: { origin: "https://shop.example" },
      fetch: async (url: string, init: Sent["init"]) => {
        sent.push({ url, init });
        return { status: 201 };
      },
    };
    for (const id of ["a", "b"]) {
      Object.defineProperty(document, "currentScript", { value: document.getElementById(id), configurable: true });
      new Function("window", "document", source)(window, document);
    }
    const groups = [...document.querySelectorAll(".loupe-feedback")];
    expect(groups).toHaveLength(2);
    expect(groups.map((g) => g.parentElement!.previousElementSibling!.id)).toEqual(["a", "b"]);
    const second = groups[1]!;
    [...second.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === "Yes, helpful")!.dispatchEvent(new document.defaultView!.Event("click"));
    [...second.querySelectorAll("button")].find((b) => b.textContent === "Send")!.dispatchEvent(new document.defaultView!.Event("click"));
    await settle();
    expect(sent.map((s) => (JSON.parse(s.init.body) as { traceId: string }).traceId)).toEqual(["t-2"]);
  });

  it("page text in options is shown as text, never as markup", () => {
    const { document, widget } = load("<html><body><div id=target></div></body></html>");
    widget.mount(document.getElementById("target")!, { key: "k", strings: { question: '<img src=x onerror="alert(1)">' } });
    expect(document.querySelector("img")).toBeNull();
    expect(document.getElementById("target")!.textContent).toContain('<img src=x onerror="alert(1)">');
  });
});
