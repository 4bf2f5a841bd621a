/* pmkb: catalog filtering and sorting, and the Pagefind search box.
   Everything here is progressive: without JavaScript the catalog is a full table and
   the index pages link every severity, service, tag and year. */
(function () {
  "use strict";

  function initSearch() {
    var mount = document.getElementById("pmkb-search");
    if (!mount || mount.dataset.ready || typeof PagefindUI === "undefined") return;
    mount.dataset.ready = "1";
    new PagefindUI({
      element: "#pmkb-search",
      bundlePath: new URL(mount.dataset.bundle, document.baseURI).href,
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      translations: { placeholder: "Search incidents: ID, service, phrase" },
    });
    /* Pagefind's box has a placeholder but no label: give it an accessible name. */
    var input = mount.querySelector("input[type=text], input[type=search]");
    if (input) input.setAttribute("aria-label", "Search incidents by ID, service or phrase");
  }

  function initCatalog() {
    var table = document.querySelector("[data-pmkb-catalog]");
    var form = document.querySelector("[data-pmkb-filters]");
    if (!table || !form) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var output = form.querySelector("output");
    form.hidden = false;

    function matches(row, key, wanted) {
      if (!wanted) return true;
      var value = row.dataset[key] || "";
      if (key === "service") {
        try { return JSON.parse(value).indexOf(wanted) !== -1; } catch (e) { return false; }
      }
      return value === wanted;
    }

    function apply() {
      var shown = 0;
      var filters = {};
      ["severity", "service", "status", "year"].forEach(function (key) {
        filters[key] = form.elements[key].value;
      });
      rows.forEach(function (row) {
        var visible = Object.keys(filters).every(function (key) {
          return matches(row, key, filters[key]);
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      var truncated = Number(form.dataset.pmkbTotal || rows.length) > rows.length;
      output.textContent = "Showing " + shown + " of " + rows.length +
        (truncated ? " most recent" : "") + " incidents";
      /* The catalog holds the newest incidents only: link the full list of a choice. */
      var all = form.querySelector(".pmkb-filters__all");
      var chosen = Array.prototype.slice.call(form.querySelectorAll("select")).map(function (select) {
        return select.options[select.selectedIndex];
      }).filter(function (option) { return option && option.dataset.href; });
      all.hidden = !(truncated && chosen.length);
      if (!all.hidden) {
        all.href = chosen[0].dataset.href;
        all.textContent = "All " + chosen[0].value + " incidents →";
      }
      var params = new URLSearchParams();
      Object.keys(filters).forEach(function (key) {
        if (filters[key]) params.set(key, filters[key]);
      });
      var query = params.toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }

    var initial = new URLSearchParams(location.search);
    ["severity", "service", "status", "year"].forEach(function (key) {
      if (initial.get(key)) form.elements[key].value = initial.get(key);
    });
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    apply();

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pmkb-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "number";
        var body = table.tBodies[0];
        rows.slice().sort(function (a, b) {
          var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? order : -order;
        }).forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function init() { initSearch(); initCatalog(); }
  if (typeof document$ !== "undefined") {
    document$.subscribe(init);  /* Material's instant navigation, when enabled */
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
