// Storybank: light or dark, as the system says unless the user chose. Loaded in <head>
// without defer, so the page never flashes the other colours first.
(function () {
  "use strict";
  var KEY = "storybank-theme";
  var MODES = ["auto", "light", "dark"];
  var LABELS = { auto: "Theme: as the system", light: "Theme: light", dark: "Theme: dark" };
  var ICONS = { auto: "bi-circle-half", light: "bi-sun", dark: "bi-moon-stars" };
  var system = window.matchMedia("(prefers-color-scheme: dark)");

  function chosen() {
    try {
      var mode = window.localStorage.getItem(KEY);
      return MODES.indexOf(mode) >= 0 ? mode : "auto";
    } catch (e) {
      return "auto";
    }
  }
  function apply(mode) {
    var dark = mode === "dark" || (mode === "auto" && system.matches);
    document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.setAttribute("aria-label", LABELS[mode] + " (change)");
    button.title = LABELS[mode];
    button.dataset.mode = mode;
    var icon = button.querySelector("i");
    if (icon) icon.className = "bi " + ICONS[mode];
  }
  apply(chosen());
  system.addEventListener("change", function () { apply(chosen()); });
  document.addEventListener("DOMContentLoaded", function () {
    apply(chosen());
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var next = MODES[(MODES.indexOf(chosen()) + 1) % MODES.length];
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* not kept */ }
      apply(next);
    });
  });
})();
