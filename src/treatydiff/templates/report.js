(function () {
  "use strict";
  // Runs in <head>: the "js" class folds unchanged runs before the first paint.
  // Everything else waits for the document. Listeners are delegated: none per row.
  var doc = document, root = doc.documentElement;
  root.classList.add("js");
  doc.addEventListener("DOMContentLoaded", start);

  function debounce(fn, ms) {
    var timer = 0;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function byId(id) { return doc.getElementById(id); }
  function tagged(row, key) {
    return key === "all" || (" " + (row.getAttribute("data-f") || "") + " ").indexOf(" " + key + " ") >= 0;
  }

  function start() {
    var bar = byId("bar"), cmp = byId("cmp"), cl = byId("cl");
    if (!bar || !cmp) { return; }
    var filter = "all", changed = null, current = null;
    var q = byId("q"), qn = byId("qn"), pos = byId("pos"), clq = byId("clq"), cln = byId("cln");
    var matches = [], at = -1, query = "";
    var MAX_MATCHES = 2000;

    bar.hidden = false;
    function measure() { root.style.setProperty("--stick", bar.offsetHeight + "px"); }
    measure();
    if (window.ResizeObserver) { new ResizeObserver(measure).observe(bar); }
    else { window.addEventListener("resize", debounce(measure, 150)); }

    // ---------------------------------------------------------- filters
    function setFilter(key) {
      filter = key;
      cmp.setAttribute("data-filter", key);
      if (cl) { cl.setAttribute("data-filter", key); }
      var buttons = bar.querySelectorAll("button[data-filter]");
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-filter") === key));
      }
      if (query) { search(false); }
      countList();
    }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-filter")) { setFilter(button.getAttribute("data-filter")); }
      else if (button.id === "next") { go(1); }
      else if (button.id === "prev") { go(-1); }
      else if (button.id === "qnext") { step(1); }
      else if (button.id === "qprev") { step(-1); }
      else if (button.id === "unfold") { unfoldAll(button.getAttribute("aria-pressed") !== "true"); }
    });

    // ---------------------------------------------------------- folds
    function setFold(body, open) {
      body.classList.toggle("open", open);
      var button = body.querySelector(".ftb");
      if (button) { button.setAttribute("aria-expanded", String(open)); }
    }
    function unfoldAll(open) {
      var folds = cmp.querySelectorAll("tbody.fold");
      for (var i = 0; i < folds.length; i++) { setFold(folds[i], open); }
      byId("unfold").setAttribute("aria-pressed", String(open));
    }
    cmp.addEventListener("click", function (event) {
      var button = event.target.closest("button.ftb");
      if (button) { var body = button.closest("tbody"); setFold(body, !body.classList.contains("open")); }
    });

    // Anything a link points to is shown first: its fold opened, a filter that hides it reset.
    function reveal(el) {
      var fold = el.closest("tbody.fold");
      if (fold && !fold.classList.contains("open")) { setFold(fold, true); }
      var row = el.closest("tr");
      if (filter !== "all" && row && (cmp.contains(row) || (cl && cl.contains(row))) && !tagged(row, filter)) {
        setFilter("all");
      }
    }
    function target(hash) {
      if (!hash || hash.length < 2) { return null; }
      try { return byId(decodeURIComponent(hash.slice(1))); } catch (e) { return null; }
    }
    doc.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      var el = link && target(link.getAttribute("href"));
      if (el) { reveal(el); }
    });
    function showHash() {
      var el = target(location.hash);
      if (el && el.getClientRects().length === 0) { reveal(el); el.scrollIntoView(); }
    }
    window.addEventListener("hashchange", showHash);
    showHash();

    // ---------------------------------------------------------- next / previous change
    function line() { return bar.offsetHeight + cmp.tHead.offsetHeight; }
    function changes() {
      if (!changed) { changed = cmp.querySelectorAll("tr.r[data-f~='changed']"); }
      var shown = [];
      for (var i = 0; i < changed.length; i++) { if (tagged(changed[i], filter)) { shown.push(changed[i]); } }
      return shown;
    }
    function firstBelow(list, y) { // first row whose top is below y (binary search: rows are in order)
      var lo = 0, hi = list.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (list[mid].getBoundingClientRect().top > y) { hi = mid; } else { lo = mid + 1; }
      }
      return lo;
    }
    function go(direction) {
      var list = changes();
      if (!list.length) { pos.textContent = "No changes shown"; return; }
      var top = line(), index = current ? list.indexOf(current) : -1;
      var rect = index >= 0 ? current.getBoundingClientRect() : null;
      if (rect && rect.bottom > top && rect.top < window.innerHeight) {
        index += direction; // the current change is still on screen: step from it
      } else {
        index = direction > 0 ? firstBelow(list, top + 2) : firstBelow(list, top - 3) - 1;
      }
      if (index < 0 || index >= list.length) {
        pos.textContent = direction > 0 ? "Last change" : "First change";
        return;
      }
      var row = list[index];
      window.scrollTo(0, window.pageYOffset + row.getBoundingClientRect().top - top);
      if (current) { current.classList.remove("cur"); }
      current = row;
      row.classList.add("cur");
      row.tabIndex = -1;
      row.focus({ preventScroll: true });
      if (history.replaceState) { history.replaceState(null, "", "#" + row.id); }
      var label = row.querySelector(".st");
      pos.textContent = (index + 1) + " of " + list.length;
      var detail = doc.createElement("span");
      detail.className = "sr";
      detail.textContent = label ? " changes: " + label.textContent : " changes";
      pos.appendChild(detail);
    }
    doc.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var t = event.target, tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) { return; }
      if (event.key === "n") { event.preventDefault(); go(1); }
      else if (event.key === "p") { event.preventDefault(); go(-1); }
      else if (event.key === "/") { event.preventDefault(); q.focus(); q.select(); }
    });

    // ---------------------------------------------------------- search
    function clearMarks() {
      var parents = [];
      for (var i = 0; i < matches.length; i++) {
        for (var j = 0; j < matches[i].length; j++) {
          var mark = matches[i][j], parent = mark.parentNode;
          if (!parent) { continue; }
          while (mark.firstChild) { parent.insertBefore(mark.firstChild, mark); }
          parent.removeChild(mark);
          parents.push(parent);
        }
      }
      for (var k = 0; k < parents.length; k++) { parents[k].normalize(); }
      matches = [];
      at = -1;
    }
    function wrap(el, ranges) { // mark [start, end) ranges of el's text, across <ins>/<del>
      var nodes = [], starts = [], walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT), node, offset = 0;
      while ((node = walker.nextNode())) { nodes.push(node); starts.push(offset); offset += node.data.length; }
      var found = [];
      for (var r = ranges.length - 1; r >= 0; r--) { // from the end: earlier offsets stay valid
        var s = ranges[r][0], e = ranges[r][1], group = [];
        for (var k = nodes.length - 1; k >= 0; k--) {
          var n = nodes[k], ns = starts[k], ne = ns + n.data.length;
          if (ne <= s || ns >= e) { continue; }
          var from = Math.max(s, ns) - ns, to = Math.min(e, ne) - ns, piece = n;
          if (to < n.data.length) { n.splitText(to); }
          if (from > 0) { piece = n.splitText(from); }
          var mark = doc.createElement("mark");
          piece.parentNode.replaceChild(mark, piece);
          mark.appendChild(piece);
          group.unshift(mark);
        }
        found.unshift(group);
      }
      return found;
    }
    function search(jump) {
      clearMarks();
      query = q.value.trim();
      if (query.length < 2) { qn.textContent = query ? "Type 2 letters or more" : ""; return; }
      var pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"), "gi");
      var els = cmp.querySelectorAll("td .t, tr.h td > div"), capped = false;
      for (var i = 0; i < els.length && !capped; i++) {
        var row = els[i].closest("tr");
        if (!tagged(row, filter)) { continue; }
        var text = els[i].textContent, ranges = [], m;
        pattern.lastIndex = 0;
        while ((m = pattern.exec(text))) {
          if (!m[0].length) { pattern.lastIndex++; continue; }
          ranges.push([m.index, m.index + m[0].length]);
          if (matches.length + ranges.length >= MAX_MATCHES) { capped = true; break; }
        }
        if (ranges.length) { matches = matches.concat(wrap(els[i], ranges)); }
      }
      qn.textContent = matches.length ? matches.length + (capped ? "+" : "") + " matches" : "No match";
      if (jump && matches.length) { step(1); }
    }
    function step(direction) {
      if (q.value.trim() !== query) { search(false); }
      if (!matches.length) { return; }
      if (at >= 0) { for (var i = 0; i < matches[at].length; i++) { matches[at][i].classList.remove("cur"); } }
      at = (at + direction + matches.length) % matches.length;
      var group = matches[at];
      reveal(group[0]);
      for (var j = 0; j < group.length; j++) { group[j].classList.add("cur"); }
      var rect = group[0].getBoundingClientRect();
      window.scrollTo(0, window.pageYOffset + rect.top - Math.max(line() + 16, window.innerHeight / 3));
      qn.textContent = (at + 1) + " of " + matches.length + " matches";
    }
    q.addEventListener("input", debounce(function () { search(false); }, 250));
    q.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); step(event.shiftKey ? -1 : 1); }
      else if (event.key === "Escape") { q.value = ""; search(false); }
    });

    // ---------------------------------------------------------- change list: sort, filter, export
    if (!cl) { return; }
    var listRows = cl.tBodies[0].rows;
    function countList() {
      var shown = 0;
      for (var i = 0; i < listRows.length; i++) {
        if (!listRows[i].hidden && tagged(listRows[i], filter)) { shown++; }
      }
      cln.textContent = shown === listRows.length ? "" : shown + " of " + listRows.length + " shown";
    }
    cl.tHead.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-sort]");
      if (!button) { return; }
      var th = button.parentNode, col = Number(button.getAttribute("data-sort")), was = th.getAttribute("aria-sort");
      var ascending = was ? was !== "ascending" : !button.hasAttribute("data-desc");
      var heads = cl.tHead.rows[0].cells;
      for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(listRows);
      function key(row, c) { return Number(row.cells[c].getAttribute("data-v")); }
      rows.sort(function (x, y) {
        var d = key(x, col) - key(y, col);
        return (ascending ? d : -d) || key(x, 0) - key(y, 0);
      });
      var fragment = doc.createDocumentFragment();
      for (var j = 0; j < rows.length; j++) { fragment.appendChild(rows[j]); }
      cl.tBodies[0].appendChild(fragment);
    });
    clq.addEventListener("input", debounce(function () {
      var needle = clq.value.trim().toLowerCase();
      for (var i = 0; i < listRows.length; i++) {
        listRows[i].hidden = needle !== "" && listRows[i].textContent.toLowerCase().indexOf(needle) < 0;
      }
      countList();
    }, 150));

    var exported = null;
    byId("changes").addEventListener("click", function (event) {
      var button = event.target.closest("button[data-export]");
      if (!button) { return; }
      if (!exported) { exported = JSON.parse(byId("export-data").textContent); }
      var csv = button.getAttribute("data-export") === "csv";
      // A byte-order mark lets spreadsheet programs read the CSV as UTF-8.
      var blob = new Blob([csv ? "\ufeff" + exported.csv : exported.markdown], {
        type: csv ? "text/csv;charset=utf-8" : "text/markdown;charset=utf-8"
      });
      var url = URL.createObjectURL(blob), link = doc.createElement("a");
      link.href = url;
      link.download = csv ? exported.csv_name : exported.md_name;
      doc.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
    });
  }
})();
