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

  window.NtmCommon = { fetchJson: fetchJson, esc: esc };
})();
