(function () {
  "use strict";
  // Row filter: CSS hides rows by the table's data-filter; this keeps headings only above visible rows.
  var table = document.getElementById("cmp");
  var nav = document.getElementById("filters");
  if (!table || !nav) { return; }
  var buttons = nav.querySelectorAll("button[data-filter]");
  var rows = table.tBodies[0].rows;

  function shows(row, filter) {
    return filter === "all" || (" " + row.getAttribute("data-f") + " ").indexOf(" " + filter + " ") >= 0;
  }

  function apply(filter) {
    table.setAttribute("data-filter", filter);
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-filter") === filter));
    }
    var heading = null, headingNeeded = false;
    for (var j = 0; j < rows.length; j++) {
      var row = rows[j];
      if (row.classList.contains("h")) {
        if (heading) { heading.hidden = !headingNeeded; }
        heading = row; headingNeeded = false;
      } else if (!headingNeeded && shows(row, filter)) {
        headingNeeded = true;
      }
    }
    if (heading) { heading.hidden = !headingNeeded; }
  }

  nav.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-filter]");
    if (button) { apply(button.getAttribute("data-filter")); }
  });

  // An article link whose heading a filter hides shows all rows first, so the jump lands.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    var target = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (target && table.contains(target) && target.getClientRects().length === 0) { apply("all"); }
  });
  nav.hidden = false;
  document.documentElement.classList.add("js");
})();
