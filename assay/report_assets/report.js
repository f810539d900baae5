// Assay report: sorting and filtering on the index; on an article page, a statement's details
// shown on hover, focus or click. It only toggles classes and the `hidden` attribute of markup
// the page already holds (escaped when it was written), so no article text passes through the
// script as HTML.
(function () {
  "use strict";

  function setupIndex(table) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var text = document.getElementById("filter");
    var source = document.getElementById("source");
    var status = document.getElementById("status");
    var shown = document.getElementById("shown");

    function cellValue(row, column, type) {
      var value = row.cells[column].getAttribute("data-value");
      if (value === null || value === "") return null;  // missing values sort last either way
      return type === "number" ? parseFloat(value) : value.toLowerCase();
    }

    function sortBy(column, type, direction) {
      var sign = direction === "ascending" ? 1 : -1;
      rows.sort(function (a, b) {
        var x = cellValue(a, column, type), y = cellValue(b, column, type);
        if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
        return x < y ? -sign : x > y ? sign : 0;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
      headers.forEach(function (th, i) { th.setAttribute("aria-sort", i === column ? direction : "none"); });
    }

    headers.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        // First click: newest or largest first for dates and numbers, A to Z for text.
        var current = th.getAttribute("aria-sort");
        var type = th.getAttribute("data-type");
        var first = type === "text" ? "ascending" : "descending";
        var next = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
        sortBy(column, type, next);
      });
    });

    function applyFilters() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var count = 0;
      rows.forEach(function (row) {
        var haystack = row.getAttribute("data-search");
        var keep = words.every(function (w) { return haystack.indexOf(w) !== -1; }) &&
          (!source.value || row.getAttribute("data-source") === source.value) &&
          (!status.value || row.getAttribute("data-status") === status.value);
        row.hidden = !keep;
        if (keep) count += 1;
      });
      shown.textContent = count + " of " + rows.length + " articles";
    }

    [text, source, status].forEach(function (control) {
      control.addEventListener("input", applyFilters);
      control.addEventListener("change", applyFilters);
    });
    applyFilters();
  }

  function setupArticle(container) {
    var marks = Array.prototype.slice.call(container.querySelectorAll("mark.statement"));
    var empty = document.getElementById("detail-empty");
    if (!marks.length || !empty) return;  // an article without an analysis has nothing to show
    var selected = null;

    function panel(mark) { return mark ? document.getElementById(mark.getAttribute("aria-controls")) : null; }

    function show(mark) {
      var wanted = panel(mark);
      document.querySelectorAll("section.detail").forEach(function (p) { p.hidden = p !== wanted; });
      empty.hidden = wanted !== null;
    }

    function select(mark) {
      if (selected) selected.classList.remove("selected");
      selected = mark;
      if (mark) mark.classList.add("selected");
      show(mark);
    }

    marks.forEach(function (mark) {
      mark.addEventListener("mouseenter", function () { show(mark); });
      mark.addEventListener("mouseleave", function () { show(selected); });
      mark.addEventListener("click", function () { select(mark); });
      mark.addEventListener("focus", function () { select(mark); });
      mark.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(mark); }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") select(null);
    });

    // A link to #c12 (from the figures table, or another page) selects that statement.
    function selectFromHash() {
      var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
      if (target && marks.indexOf(target) !== -1) {
        select(target);
        target.scrollIntoView({ block: "center" });
      }
    }
    window.addEventListener("hashchange", selectFromHash);
    selectFromHash();
  }

  var table = document.getElementById("articles");
  if (table) setupIndex(table);
  var container = document.querySelector(".article-text");
  if (container) setupArticle(container);
})();
