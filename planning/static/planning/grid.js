// The coverage grid: small enhancements over the plain page (it works without them).
// - after a cell is cycled in place, the keyboard stays on it (the row is redrawn);
// - a story mapped from a list entry's menu gets the keyboard in its new place;
// - the story and principle of the cell under the pointer or the keyboard are lit;
// - filter links stay short: empty parameters are left out of the URL.
(function () {
  "use strict";

  var focused = null; // {name, value} of the cell button that had the keyboard

  function cellOf(element) {
    return element && element.closest ? element.closest('button[name="cell"], button[name="pcell"]') : null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.requestConfig || event.detail.requestConfig.verb !== "post") return;
    var active = document.activeElement;
    var cell = cellOf(active);
    focused = cell ? { name: cell.name, value: cell.value } : null;
    if (active && active.name === "add") {
      var menu = document.getElementById("add-" + active.value);
      if (menu && menu.value) focused = { name: "pcell", value: menu.value + ":" + active.value };
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!focused) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var selector = 'button[name="' + focused.name + '"][value="' + focused.value + '"]';
    var again = document.querySelector(selector);
    focused = null;
    if (again) again.focus({ preventScroll: true });
  });

  // Light the head of the column and the row of the cell in use.
  var lit = [];
  function light(cell) {
    lit.forEach(function (element) { element.classList.remove("is-current"); });
    lit = [];
    if (!cell || cell.name !== "cell") return;
    var story = cell.value.split(":")[0];
    var head = document.getElementById("col-" + story);
    var row = cell.closest("tr");
    [head, row].forEach(function (element) {
      if (element) {
        element.classList.add("is-current");
        lit.push(element);
      }
    });
  }
  document.addEventListener("mouseover", function (event) { light(cellOf(event.target)); });
  document.addEventListener("focusin", function (event) { light(cellOf(event.target)); });

  // A filter change asks for ?principles=gap, not ?set=&principles=gap&stories=&...
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt || event.detail.elt.id !== "grid-filters") return;
    var params = event.detail.parameters;
    var names = typeof params.keys === "function" ? Array.from(params.keys()) : Object.keys(params);
    names.forEach(function (name) {
      var value = typeof params.get === "function" ? params.get(name) : params[name];
      if (value === "" || value === null) {
        if (typeof params.delete === "function") params.delete(name);
        else delete params[name];
      }
    });
  });
})();
