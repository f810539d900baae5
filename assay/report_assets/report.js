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

  // The search page: the corpus's statements are data in the page (a JSON script element); the
  // results are built with textContent, so no statement's text is ever parsed as HTML.
  function setupSearch(dataElement) {
    var data = JSON.parse(dataElement.textContent);
    var statements = data.statements, spellings = data.spellings || {};
    var input = document.getElementById("statement-filter");
    var kind = document.getElementById("statement-kind");
    var shown = document.getElementById("statement-shown");
    var list = document.getElementById("statement-results");
    var more = document.getElementById("statement-more");
    var LIMIT = 200;  // results drawn at once; the count is of every match
    var haystacks = statements.map(function (s) {
      var names = [];
      s.e.forEach(function (name) { names.push(name); names = names.concat(spellings[name] || []); });
      return [s.q, s.s, s.t, s.ti, s.k, s.u ? "uncertain" : "", s.c, names.join(" ")].join(" ").toLowerCase();
    });

    function element(tag, className, text) {
      var e = document.createElement(tag);
      if (className) e.className = className;
      if (text !== undefined && text !== null) e.textContent = text;
      return e;
    }

    function item(s) {
      var li = element("li", "statement-item");
      li.setAttribute("data-kind", s.k);
      li.appendChild(element("blockquote", (s.u ? "uncertain u-" : "k-") + s.k, s.q));
      var where = element("p", "where");
      where.appendChild(element("span", s.u ? "chip uncertain" : "chip k-" + s.k, s.u ? "probably " + s.k : s.k));
      where.appendChild(document.createTextNode(" "));
      where.appendChild(element("span", "muted", (s.c ? s.c + " · " : "") + (s.d || "undated") + " · " + s.s + " (" + s.t + ") · "));
      var link = element("a", "article-link", s.ti || "(untitled)");
      link.setAttribute("href", s.h);  // made by the report from the article's page name, never from its text
      where.appendChild(link);
      if (s.e.length) where.appendChild(element("span", "muted entities", " · " + s.e.join(", ")));
      li.appendChild(where);
      return li;
    }

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var matches = [];
      statements.forEach(function (s, i) {
        if (kind.value && s.k !== kind.value) return;
        if (words.every(function (w) { return haystacks[i].indexOf(w) !== -1; })) matches.push(s);
      });
      list.replaceChildren.apply(list, matches.slice(0, LIMIT).map(item));
      shown.textContent = matches.length + " of " + statements.length + " statements";
      more.hidden = matches.length <= LIMIT;
      more.textContent = "Showing the first " + LIMIT + ": type more to narrow the search.";
    }

    input.addEventListener("input", apply);
    kind.addEventListener("change", apply);
    apply();
  }

  var table = document.getElementById("articles");
  if (table) setupIndex(table);
  var statementData = document.getElementById("statement-data");
  if (statementData) setupSearch(statementData);
  var container = document.querySelector(".article-text");
  if (container) setupArticle(container);
})();
