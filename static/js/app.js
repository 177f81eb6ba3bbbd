// Storybank: small progressive enhancements. The app works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Live character counters for fields with a maxlength: warn before the limit bites.
  function attachCounter(field) {
    var max = parseInt(field.dataset.maxlength, 10);
    if (!max || field.dataset.counted) return;
    field.dataset.counted = "1";
    var counter = document.createElement("div");
    counter.className = "form-text char-count text-end";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    function update() {
      var n = field.value.length;
      counter.textContent = n.toLocaleString() + " / " + max.toLocaleString();
      counter.classList.toggle("near", n > max * 0.9 && n <= max);
      counter.classList.toggle("over", n > max);
      if (n > max) counter.textContent += ": " + (n - max).toLocaleString() + " over the limit";
    }
    field.addEventListener("input", update);
    update();
  }

  function init(root) {
    root.querySelectorAll("[data-maxlength]").forEach(attachCounter);
  }

  // "Add" on a suggested principle: map it as primary in the picker, then re-check.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".add-principle");
    if (!button) return;
    var select = document.querySelector('select[name="' + button.dataset.field + '"]');
    if (!select) return;
    if (!select.value) select.value = "primary";
    select.classList.add("is-valid");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    button.disabled = true;
    button.textContent = "Added";
  });

  // "?" (outside a text field) lists the shortcuts.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var dialog = document.getElementById("shortcuts");
    if (!dialog || !window.bootstrap) return;
    event.preventDefault();
    window.bootstrap.Modal.getOrCreateInstance(dialog).show();
  });

  // Practice: ticking a principle means "some principles".
  document.addEventListener("change", function (event) {
    if (!event.target.classList || !event.target.classList.contains("principle-choice")) return;
    var mode = document.getElementById("mode-principle");
    if (mode && event.target.checked) mode.checked = true;
  });

  // Keep the report's <details> (preview, "why this score") open across live updates.
  var openDetails = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    event.detail.target.querySelectorAll("details[data-keep]").forEach(function (d) {
      openDetails[d.dataset.keep] = d.open;
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    event.detail.target.querySelectorAll("details[data-keep]").forEach(function (d) {
      if (openDetails[d.dataset.keep]) d.open = true;
    });
  });

  // The live check is a convenience: if it fails, say so and keep the form usable.
  function liveCheckFailed(event) {
    var target = event.detail && event.detail.elt;
    if (!target || target.id !== "star-report") return;
    var note = document.createElement("p");
    note.className = "small text-danger mb-0 live-check-error";
    note.textContent = "The live check could not run just now. Your text is safe; it is checked again when you save.";
    var old = target.querySelector(".live-check-error");
    if (old) old.remove();
    target.prepend(note);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 401) return; // signed out: said in place, see below
    liveCheckFailed(event);
  });

  // Signed out while a page was open (another tab, an expired session): a background
  // request gets a 401 with a note instead of the login page. Show the note where the
  // answer would go, then ask now and then whether the user signed back in; once they
  // have, give the page's forms the new CSRF token, so saving works without a reload.
  var watching = null;
  function signedBackIn(token) {
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.value = token;
    });
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
    document.querySelectorAll(".signed-out").forEach(function (note) { note.remove(); });
    var form = document.getElementById("story-form");
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function askSession() {
    var url = document.body.dataset.sessionUrl;
    if (!url) return;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.signed_in) return;
        if (String(state.user) !== document.body.dataset.user) {
          // Someone else signed in: this page's text must not go to their account.
          document.querySelectorAll(".signed-out").forEach(function (note) {
            note.textContent = "Another account is signed in now. Your text is kept in this " +
              "browser: sign in again as yourself to save it.";
          });
          return;
        }
        window.clearInterval(watching);
        watching = null;
        signedBackIn(state.csrf_token);
      })
      .catch(function () { /* offline: ask again later */ });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status !== 401) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    if (watching === null) {
      watching = window.setInterval(askSession, 4000);
      window.addEventListener("focus", askSession);
    }
  });

  // A story saved (or its draft discarded): the copy this browser kept is no longer needed.
  function forgetSavedDrafts() {
    var user = document.body.dataset.user;
    document.querySelectorAll("[data-extra]").forEach(function (message) {
      message.dataset.extra.split(" ").forEach(function (tag) {
        if (user && tag.indexOf("draft-saved:") === 0) {
          try {
            window.localStorage.removeItem("storybank-draft:" + user + ":" + tag.slice(12));
          } catch (e) { /* storage disabled */ }
        }
      });
    });
  }
  document.addEventListener("htmx:sendError", liveCheckFailed);

  document.addEventListener("DOMContentLoaded", function () {
    forgetSavedDrafts();
    init(document);
  });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
