// Loop one-pager: the Print button opens the browser's print dialog (Ctrl/Cmd+P works too).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest(".js-print")) window.print();
  });
})();
