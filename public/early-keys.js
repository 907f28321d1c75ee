// Keeps the keys pressed while the page's own script is still loading (a reviewer answering the
// next item the moment it shows), for the review screen to replay once it has hydrated
// (app/components/review/use-review-shortcuts.ts). Loaded blocking in <head>: it must listen
// before anything is shown. At most 20 keys; nothing else is read.
(function () {
  var keys = [];
  window.__loupeEarlyKeys = keys;
  window.addEventListener(
    "keydown",
    function (e) {
      if (window.__loupeEarlyKeys !== keys || keys.length >= 20) return;
      var t = e.target;
      var typing = !!(t && t.closest && t.closest("input:not([type=radio]):not([type=checkbox]),textarea,select,[contenteditable]"));
      keys.push({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, shiftKey: e.shiftKey, typing: typing });
    },
    true,
  );
})();
