/* Helpers shared by the two map clients (ntm-map.js, ntm-national.js), loaded
 * before them in each map document. */
(function () {
  "use strict";
  if (window.NtmCommon) { return; }

  var cache = {};   // url -> Promise of parsed JSON (one fetch per URL and document)

  function fetchJson(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error("NTM Atlas: cannot load " + url + " (" + r.status + ")"); }
        return r.json();
      });
    }
    return cache[url];
  }

  // Text for HTML (tooltips): names may come from uploaded files.
  function esc(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  // A status table as sent (ui/maps/base.py compact_table: field names once, distinct rows
  // once, a row index per unit and year) expanded to code -> year -> {field: value}.
  function expandTable(table, years) {
    var out = {}, rows = table.rows.map(function (r) {
      var o = {};
      table.fields.forEach(function (f, i) { o[f] = r[i]; });
      return o;
    });
    table.codes.forEach(function (code, i) {
      var per = out[code] = {};
      table.grid[i].forEach(function (k, j) { if (k >= 0) { per[String(years[j])] = rows[k]; } });
    });
    return out;
  }

  window.NtmCommon = { fetchJson: fetchJson, esc: esc, expandTable: expandTable };
})();
