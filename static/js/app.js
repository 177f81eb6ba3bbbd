// Storybank: small progressive enhancements. The app works without this file.
(function () {
  "use strict";

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

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
