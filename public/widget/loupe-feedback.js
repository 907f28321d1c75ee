/*!
 * Loupe feedback widget: "Was this helpful? 👍 👎 — Why?" for a product's own pages.
 * Plain script, no dependencies, no eval, no inline styles (styles are set through CSSOM, which a
 * strict Content-Security-Policy allows). It sends one record to Loupe's POST /api/v1/feedback
 * with the project's ingest key.
 *
 *   <script src="https://loupe.example/widget/loupe-feedback.js" data-key="lfi_…" data-trace-id="…" data-lang="de" async></script>
 *   <div data-loupe-feedback data-key="lfi_…" data-trace-id="…"></div>
 *   LoupeFeedback.mount(element, { key: "lfi_…", traceId: "…", lang: "fr" })
 */
(function (window, document) {
  "use strict";
  // A second copy of the script (one tag per answer on the page) only mounts its own widget.
  if (window.LoupeFeedback && window.LoupeFeedback._autoMount) {
    window.LoupeFeedback._autoMount(document.currentScript);
    return;
  }

  var STRINGS = {
    en: {
      question: "Was this helpful?",
      yes: "Yes, helpful",
      no: "No, not helpful",
      why: "Why?",
      commentLabel: "Tell us more (optional)",
      send: "Send",
      sending: "Sending…",
      cancel: "Cancel",
      thanks: "Thank you for your feedback!",
      errorRateLimited: "Too many people are sending feedback right now. Please try again in a minute.",
      errorNetwork: "Your feedback could not be sent: the connection failed. Please try again.",
      errorOrigin: "Feedback cannot be sent from this website.",
      errorKey: "This feedback form is not set up correctly.",
      errorOther: "Your feedback could not be sent. Please try again later.",
    },
    de: {
      question: "War das hilfreich?",
      yes: "Ja, hilfreich",
      no: "Nein, nicht hilfreich",
      why: "Warum?",
      commentLabel: "Erzählen Sie uns mehr (optional)",
      send: "Senden",
      sending: "Wird gesendet…",
      cancel: "Abbrechen",
      thanks: "Vielen Dank für Ihr Feedback!",
      errorRateLimited: "Gerade senden zu viele Menschen Feedback. Bitte versuchen Sie es in einer Minute erneut.",
      errorNetwork: "Ihr Feedback konnte nicht gesendet werden: Die Verbindung ist fehlgeschlagen. Bitte versuchen Sie es erneut.",
      errorOrigin: "Von dieser Website kann kein Feedback gesendet werden.",
      errorKey: "Dieses Feedback-Formular ist nicht richtig eingerichtet.",
      errorOther: "Ihr Feedback konnte nicht gesendet werden. Bitte versuchen Sie es später erneut.",
    },
    fr: {
      question: "Cette réponse vous a-t-elle aidé ?",
      yes: "Oui, utile",
      no: "Non, pas utile",
      why: "Pourquoi ?",
      commentLabel: "Dites-nous en plus (facultatif)",
      send: "Envoyer",
      sending: "Envoi…",
      cancel: "Annuler",
      thanks: "Merci pour votre avis !",
      errorRateLimited: "Trop de personnes envoient un avis en ce moment. Veuillez réessayer dans une minute.",
      errorNetwork: "Votre avis n’a pas pu être envoyé : la connexion a échoué. Veuillez réessayer.",
      errorOrigin: "Impossible d’envoyer un avis depuis ce site.",
      errorKey: "Ce formulaire d’avis n’est pas configuré correctement.",
      errorOther: "Votre avis n’a pas pu être envoyé. Veuillez réessayer plus tard.",
    },
    es: {
      question: "¿Te ha resultado útil?",
      yes: "Sí, útil",
      no: "No, no es útil",
      why: "¿Por qué?",
      commentLabel: "Cuéntanos más (opcional)",
      send: "Enviar",
      sending: "Enviando…",
      cancel: "Cancelar",
      thanks: "¡Gracias por tu opinión!",
      errorRateLimited: "Demasiadas personas están enviando opiniones ahora mismo. Inténtalo de nuevo en un minuto.",
      errorNetwork: "No se pudo enviar tu opinión: falló la conexión. Inténtalo de nuevo.",
      errorOrigin: "No se pueden enviar opiniones desde este sitio web.",
      errorKey: "Este formulario de opinión no está bien configurado.",
      errorOther: "No se pudo enviar tu opinión. Inténtalo de nuevo más tarde.",
    },
  };

  /** The first of the wanted languages the widget speaks ("de-CH" speaks "de"), else English. */
  function pickLanguage(wanted) {
    for (var i = 0; i < wanted.length; i++) {
      var tag = String(wanted[i] || "").toLowerCase();
      if (!tag) continue;
      if (Object.prototype.hasOwnProperty.call(STRINGS, tag)) return tag;
      var base = tag.split(/[-_]/)[0];
      if (Object.prototype.hasOwnProperty.call(STRINGS, base)) return base;
    }
    return "en";
  }

  /** The strings of a language with the page's own overrides on top (only known keys, only text). */
  function resolveStrings(lang, overrides) {
    var base = STRINGS[lang] || STRINGS.en;
    var out = {};
    for (var key in STRINGS.en) {
      var own = overrides && Object.prototype.hasOwnProperty.call(overrides, key) ? overrides[key] : undefined;
      out[key] = typeof own === "string" && own.trim() ? own : base[key];
    }
    return out;
  }

  var TEXT_OPTIONS = { key: "key", traceId: "traceId", externalId: "externalId", userId: "userId", segment: "segment", model: "model", promptVersion: "promptVersion", lang: "lang", endpoint: "endpoint", transport: "transport" };

  /** Options from an element's data-* attributes (data-trace-id → traceId; JSON in data-metadata, data-strings, data-item). */
  function optionsFromDataset(dataset) {
    var options = {};
    for (var name in TEXT_OPTIONS) {
      var value = dataset[name];
      if (typeof value === "string" && value.trim()) options[name] = value.trim();
    }
    var json = ["metadata", "strings", "item"];
    for (var i = 0; i < json.length; i++) {
      var raw = dataset[json[i]];
      if (typeof raw !== "string" || !raw.trim()) continue;
      try {
        var parsed = JSON.parse(raw);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) options[json[i]] = parsed;
      } catch {
        warn("data-" + json[i] + " is not JSON; it was ignored.");
      }
    }
    return options;
  }

  /** The record the API receives (fields left out when not given: the API refuses unknown or empty ones). */
  function buildRecord(options, choice, comment, clientId) {
    var record = { id: clientId };
    var fields = ["traceId", "externalId", "userId", "segment", "model", "promptVersion"];
    for (var i = 0; i < fields.length; i++) {
      var value = options[fields[i]];
      if (typeof value === "string" && value) record[fields[i]] = value.slice(0, 200);
    }
    if (options.item && typeof options.item === "object") record.item = options.item;
    if (options.metadata && typeof options.metadata === "object") record.metadata = options.metadata;
    if (choice === "up" || choice === "down") record.thumbs = choice;
    var text = typeof comment === "string" ? comment.trim() : "";
    if (text) record.comment = text.slice(0, 10000);
    return record;
  }

  /** What to tell the person when sending failed: an HTTP status, or 0 for a network failure. */
  function messageFor(status, strings) {
    if (status === 0) return strings.errorNetwork;
    if (status === 429) return strings.errorRateLimited;
    if (status === 403) return strings.errorOrigin;
    if (status === 401) return strings.errorKey;
    return strings.errorOther;
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] + 256).toString(16).slice(1);
    return hex;
  }

  function warn(message) {
    if (window.console && window.console.warn) window.console.warn("Loupe feedback: " + message);
  }

  // The Loupe server the script came from: the API is on the same origin as the script.
  var current = document.currentScript;
  var scriptOrigin = null;
  try {
    if (current && current.src) scriptOrigin = new URL(current.src, document.baseURI).origin;
  } catch {
    scriptOrigin = null;
  }

  function css(el, styles) {
    for (var name in styles) el.style[name] = styles[name];
    return el;
  }

  function make(tag, styles, text) {
    var el = document.createElement(tag);
    if (styles) css(el, styles);
    if (text !== undefined) el.textContent = text;
    return el;
  }

  var counter = 0;
  var BUTTON = { font: "inherit", fontSize: "1.1em", lineHeight: "1", padding: "0.35em 0.6em", border: "1px solid #9ca3af", borderRadius: "0.4em", background: "transparent", color: "inherit", cursor: "pointer", margin: "0 0.25em 0 0" };

  /** Mounts the widget into `element`; returns a handle with `destroy()`. */
  function mount(element, given) {
    if (!element || element.nodeType !== 1) throw new TypeError("LoupeFeedback.mount needs an element.");
    var options = {};
    var k;
    for (k in given || {}) options[k] = given[k];
    var lang = pickLanguage([options.lang, document.documentElement && document.documentElement.lang, window.navigator && window.navigator.language]);
    var t = resolveStrings(lang, options.strings);
    var base = (options.endpoint || scriptOrigin || window.location.origin).replace(/\/+$/, "");
    var transport = options.transport === "frame" || options.transport === "demo" ? options.transport : "cors";
    var id = "loupe-feedback-" + ++counter;

    var root = make("div", { fontFamily: "inherit", fontSize: "0.95em", color: "inherit", margin: "0.75em 0" });
    root.className = "loupe-feedback";
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", id + "-q");
    if (lang !== "en" || options.lang) root.setAttribute("lang", lang);

    var row = make("div", { display: "flex", alignItems: "center", flexWrap: "wrap", gap: "0.25em" });
    var question = make("span", { marginRight: "0.5em" }, t.question);
    question.id = id + "-q";
    var up = make("button", BUTTON, "👍");
    var down = make("button", BUTTON, "👎");
    up.type = down.type = "button";
    up.setAttribute("aria-label", t.yes);
    down.setAttribute("aria-label", t.no);
    up.setAttribute("aria-pressed", "false");
    down.setAttribute("aria-pressed", "false");
    up.title = t.yes;
    down.title = t.no;
    row.appendChild(question);
    row.appendChild(up);
    row.appendChild(down);

    var box = make("div", { marginTop: "0.5em" });
    box.hidden = true;
    var why = make("label", { display: "block", fontWeight: "600", marginBottom: "0.25em" }, t.why + " ");
    var hint = make("span", { fontWeight: "400" }, t.commentLabel);
    why.appendChild(hint);
    why.htmlFor = id + "-c";
    var comment = make("textarea", { display: "block", width: "100%", maxWidth: "32em", minHeight: "4em", font: "inherit", boxSizing: "border-box", padding: "0.4em" });
    comment.id = id + "-c";
    comment.rows = 3;
    comment.maxLength = 10000;
    var actions = make("div", { marginTop: "0.4em" });
    var send = make("button", BUTTON, t.send);
    send.type = "button";
    var cancel = make("button", BUTTON, t.cancel);
    cancel.type = "button";
    actions.appendChild(send);
    actions.appendChild(cancel);
    box.appendChild(why);
    box.appendChild(comment);
    box.appendChild(actions);

    var status = make("p", { margin: "0.5em 0 0 0" });
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.tabIndex = -1;

    root.appendChild(row);
    root.appendChild(box);
    root.appendChild(status);
    element.appendChild(root);

    var choice = null;
    var clientId = null;
    var busy = false;

    function choose(value) {
      if (busy) return;
      choice = value;
      // why: a new choice is a new record; a retry of the same one keeps its id (idempotent).
      clientId = null;
      up.setAttribute("aria-pressed", value === "up" ? "true" : "false");
      down.setAttribute("aria-pressed", value === "down" ? "true" : "false");
      css(up, { background: value === "up" ? "#e5e7eb" : "transparent" });
      css(down, { background: value === "down" ? "#e5e7eb" : "transparent" });
      status.textContent = "";
      box.hidden = false;
      comment.focus();
    }

    function close() {
      if (busy) return;
      var pressed = choice === "down" ? down : up;
      choice = null;
      clientId = null;
      up.setAttribute("aria-pressed", "false");
      down.setAttribute("aria-pressed", "false");
      css(up, { background: "transparent" });
      css(down, { background: "transparent" });
      box.hidden = true;
      status.textContent = "";
      pressed.focus();
    }

    function submit() {
      if (busy || !choice) return;
      if (!options.key) {
        status.textContent = t.errorKey;
        warn("no ingest key (data-key or the key option).");
        return;
      }
      clientId = clientId || newClientId();
      var record = buildRecord(options, choice, comment.value, clientId);
      var url, body;
      if (transport === "cors") {
        url = base + "/api/v1/feedback";
        body = JSON.stringify(record);
      } else {
        url = base + "/widget/" + transport;
        body = JSON.stringify({ embedder: transport === "frame" ? embedderOrigin() : null, record: record });
      }
      busy = true;
      send.disabled = true;
      send.textContent = t.sending;
      status.textContent = "";
      window
        .fetch(url, {
          method: "POST",
          mode: transport === "cors" ? "cors" : "same-origin",
          credentials: "omit",
          headers: { authorization: "Bearer " + options.key, "content-type": "application/json" },
          body: body,
        })
        .then(
          function (response) {
            return response.status;
          },
          function () {
            // why: a browser tells a refused CORS request apart from a network failure to no one; the
            // page's owner is the one who can fix the former.
            warn("could not reach " + url + ": the network failed, or this page's origin (" + window.location.origin + ") is not among the ingest key's allowed origins.");
            return 0;
          },
        )
        .then(function (code) {
          busy = false;
          send.disabled = false;
          send.textContent = t.send;
          if (code === 200 || code === 201) {
            root.removeChild(row);
            root.removeChild(box);
            status.textContent = t.thanks;
            status.focus();
          } else {
            status.textContent = messageFor(code, t);
          }
        });
    }

    function onKey(event) {
      if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        close();
      }
    }

    up.addEventListener("click", function () {
      choose("up");
    });
    down.addEventListener("click", function () {
      choose("down");
    });
    send.addEventListener("click", submit);
    cancel.addEventListener("click", close);
    box.addEventListener("keydown", onKey);

    return {
      destroy: function () {
        if (root.parentNode) root.parentNode.removeChild(root);
      },
    };
  }

  /** Inside Loupe's frame: the page that embeds it (its origin the server re-checks against the key). */
  function embedderOrigin() {
    var ancestors = window.location.ancestorOrigins;
    if (ancestors && ancestors.length) return ancestors[0];
    try {
      return document.referrer ? new URL(document.referrer).origin : null;
    } catch {
      return null;
    }
  }

  function autoMount(script) {
    var fromScript = script && script.dataset ? optionsFromDataset(script.dataset) : {};
    var targets = document.querySelectorAll("[data-loupe-feedback]");
    for (var i = 0; i < targets.length; i++) {
      var target = targets[i];
      if (target.getAttribute("data-loupe-mounted")) continue;
      target.setAttribute("data-loupe-mounted", "true");
      var own = optionsFromDataset(target.dataset);
      var merged = {};
      var k;
      for (k in fromScript) merged[k] = fromScript[k];
      for (k in own) merged[k] = own[k];
      mount(target, merged);
    }
    // A script tag with a key and no target element on the page renders right after itself.
    if (!targets.length && fromScript.key && script && script.parentNode && !script.getAttribute("data-loupe-mounted")) {
      script.setAttribute("data-loupe-mounted", "true");
      var holder = document.createElement("div");
      script.parentNode.insertBefore(holder, script.nextSibling);
      mount(holder, fromScript);
    }
  }

  window.LoupeFeedback = {
    version: "1",
    mount: mount,
    languages: Object.keys(STRINGS),
    _autoMount: autoMount,
    // The pure parts, for tests.
    _internal: { STRINGS: STRINGS, pickLanguage: pickLanguage, resolveStrings: resolveStrings, optionsFromDataset: optionsFromDataset, buildRecord: buildRecord, messageFor: messageFor },
  };

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", function () {
      autoMount(current);
    });
  else autoMount(current);
})(window, document);
