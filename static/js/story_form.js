// Storybank: the story form keeps every character. The server keeps a draft a few
// seconds after typing stops (htmx, see the form); this file keeps a copy in the
// browser too, for when the server cannot be reached or the session is gone, offers
// it back, and warns before leaving a page with unsaved changes.
(function () {
  "use strict";
  var PREFIX = "storybank-draft:";
  var SKIPPED = { csrfmiddlewaretoken: true, form_key: true, draft_story: true };

  function values(form) {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (!SKIPPED[name]) out[name] = String(value).replace(/\r\n/g, "\n");
    });
    return out;
  }

  function differs(kept, shown) {
    return Object.keys(kept).some(function (name) {
      return (kept[name] || "") !== (shown[name] || "");
    });
  }

  function read(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function write(key, data) {
    try {
      window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: data }));
    } catch (e) {
      // Storage full or disabled: the server's draft still keeps the text.
    }
  }

  function fill(form, data) {
    Object.keys(data).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field || !("value" in field)) return;
      field.value = data[name];
      field.dispatchEvent(new Event("input", { bubbles: true })); // counters, the check
    });
  }

  function ago(at) {
    var minutes = Math.round((Date.now() - at) / 60000);
    if (minutes < 1) return "moments ago";
    if (minutes < 60) return minutes + (minutes === 1 ? " minute ago" : " minutes ago");
    var hours = Math.round(minutes / 60);
    if (hours < 48) return hours + (hours === 1 ? " hour ago" : " hours ago");
    return "on " + new Date(at).toLocaleDateString();
  }

  function init() {
    var form = document.getElementById("story-form");
    if (!form || !form.dataset.draftKey) return;
    var key = PREFIX + form.dataset.draftKey;
    var loaded = values(form);
    var submitting = false;

    function dirty() {
      return differs(values(form), loaded) || differs(loaded, values(form));
    }

    // Offer the browser's copy back, unless it says nothing new: the same as the form,
    // the same as the server's draft (offered above it), or older than the last save.
    var kept = read(key);
    var serverDraft = document.getElementById("server-draft");
    var server = serverDraft ? JSON.parse(serverDraft.textContent) : null;
    var savedAt = Date.parse(form.dataset.savedAt || "") || 0;
    if (kept && kept.data) {
      if (!differs(kept.data, loaded) || (server && !differs(kept.data, server)) || kept.at <= savedAt) {
        if (!server) window.localStorage.removeItem(key);
      } else {
        var banner = document.querySelector(".local-draft");
        banner.querySelector(".local-draft-age").textContent = ago(kept.at);
        banner.hidden = false;
        banner.querySelector(".local-draft-restore").addEventListener("click", function () {
          fill(form, kept.data);
          banner.hidden = true;
          var field = form.querySelector("textarea, input[type=text]");
          if (field) field.focus();
        });
        banner.querySelector(".local-draft-discard").addEventListener("click", function () {
          window.localStorage.removeItem(key);
          banner.hidden = true;
        });
      }
    }

    function keep() {
      if (dirty()) write(key, values(form));
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      keep();
      submitting = true;
    });
    // Ctrl+S / Cmd+S saves the story (not the browser's "save page").
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !dirty()) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();

// On a phone the STAR check sits in a bar at the foot of the screen: a tap opens it.
(function () {
  "use strict";
  function sync(panel) {
    var open = panel.classList.contains("open");
    panel.querySelectorAll(".star-mini").forEach(function (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".star-mini");
    if (!button) return;
    var panel = button.closest(".star-panel");
    panel.classList.toggle("open");
    sync(panel);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target.closest && event.detail.target.closest(".star-panel");
    if (panel) sync(panel);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".star-panel.open").forEach(function (panel) {
      panel.classList.remove("open");
      sync(panel);
    });
  });
})();

// A pasted answer, split: "Use this split" puts each sentence into its part's field.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest(".split-part");
    if (!select) return;
    var text = select.parentElement.querySelector(".split-text");
    text.className = text.className.replace(/part-border-\w+/, "part-border-" + select.value);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".use-split");
    var form = document.getElementById("story-form");
    if (!button || !form) return;
    var parts = { situation: [], task: [], action: [], result: [], reflection: [] };
    document.querySelectorAll(".split-sentence").forEach(function (row) {
      parts[row.querySelector(".split-part").value].push(row.querySelector(".split-text").textContent);
    });
    Object.keys(parts).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) return;
      field.value = parts[name].join(" ");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
    var details = button.closest("details");
    if (details) details.open = false;
    var title = form.elements.namedItem("title");
    if (title && !title.value) title.focus();
  });
})();
