/* NTM Atlas national commune map (2009 census layer, 11,163 communes).
 *
 * Served by the app (no internet). Geometry arrives once as quantised TopoJSON
 * from Streamlit's static serving (browser-cached, content-hashed URL) and is
 * drawn on one canvas (Leaflet canvas renderer: one <canvas> instead of 11k SVG
 * paths). Statuses for every year arrive once as JSON; a year or language change
 * is a new view for NtmNational.show(map, view) that only restyles. Clicking a commune
 * drills down to its province at province detail (a second TopoJSON per province);
 * the click, and the back button, are reported to the page (the map frame's value:
 * properties.p = the province, "" for the whole country), which keeps the drill-down
 * in the URL and asks for it again in opts.drill.
 */
(function () {
  "use strict";
  if (window.NtmNational) { return; }

  var fetchJson = NtmCommon.fetchJson, esc = NtmCommon.esc, expand = NtmCommon.expandTable;

  // The layer container is returned: the map frame reports the clicks that bubble up to it.
  function attach(map) {
    var container = L.featureGroup().addTo(map);
    map._ntmn = { container: container, renderer: L.canvas({ padding: 0.3, tolerance: 2 }),
                  national: null, outlines: null, drill: null, drillCode: null, drillPending: null, topo: null,
                  opts: null, status: null, back: null, drillWanted: null };
    return container;
  }

  function unitRow(st, code) {
    var s = st.status;
    if (!s || !s.units[code]) { return null; }
    return s.units[code][String(st.opts.year)] || null;
  }

  // The class is in the unit's row (the server's map specification); a unit without a row
  // has the mode's missing class (no record in our data).
  function classOf(st, code) {
    var r = unitRow(st, code), mode = st.opts.mode;
    return r && mode.classes[r[mode.id]] ? r[mode.id] : mode.missing;
  }

  function style(st, feature, drill) {
    var c = st.opts.mode.classes[classOf(st, feature.id)];
    return { renderer: st.renderer, weight: drill ? 0.8 : 0.25, color: drill ? "#444444" : "#9a9a9a",
             opacity: 1, fillColor: c.fill, fillOpacity: c.opacity === undefined ? 0.9 : c.opacity };
  }

  function names(st, feature) {
    var meta = feature.properties.m, d = meta.districts[feature.properties.d] || ["", -1];
    var p = meta.provinces[d[1]] || ["", ""];
    return { district: d[0], province: p[1], provinceCode: p[0] };
  }

  // The page learns of a drill-up as of a click: a report with the whole country (p = "").
  function reportWholeCountry(map) {
    var st = map._ntmn, report = { type: "Feature", geometry: null, properties: { p: "" } };
    st.container.fire("click", { latlng: map.getCenter(), layer: { toGeoJSON: function () { return report; } } });
  }

  function tooltip(st, layer) {
    var f = layer.feature, L_ = st.opts.labels, n = names(st, f);
    var r = unitRow(st, f.id), cls = classOf(st, f.id), label = cls;
    st.opts.legend.forEach(function (row) { if (row.key === cls) { label = row.label; } });
    var lines = ["<b>" + esc(f.properties.n) + "</b>",
                 (n.district ? esc(n.district) + ", " : "") + esc(n.province),
                 esc(L_.level) + " (" + esc(st.opts.year) + "): " + esc(label)];
    if (r && r.provenance) { lines.push(esc(L_.provenance) + ": " + esc(L_.provenances[r.provenance] || r.provenance)); }
    lines.push("<span class='ntm-n-code'>" + esc(L_.code) + ": " + esc(f.id) + "</span>");
    return "<div class='ntm-tip ntm-national-tip'>" + lines.join("<br>") + "</div>";
  }

  // One tooltip and one set of handlers on the whole layer group (events bubble up
  // from each polygon) instead of 11k closures: measurably faster first paint.
  function bind(st, map, group, drill) {
    group.bindTooltip(function (l) { return tooltip(st, l); }, { sticky: true });
    group.on("mouseover", function (e) { e.layer.setStyle({ weight: 2, color: "#000000" }); });
    group.on("mouseout", function (e) { e.layer.setStyle(style(st, e.layer.feature, drill)); });
    if (!drill) {
      group.on("click", function (e) { drillDown(map, names(st, e.layer.feature).provinceCode); });
    }
    return group;
  }

  // Unit attributes travel as parallel arrays (topo.ntm); put them back by index. The
  // lookup tables (m) are not enumerable: a clicked feature is reported as JSON, and it
  // carries its province (p) instead of the names of the whole country.
  function features(topo) {
    var fc = topojson.feature(topo, topo.objects.communes), m = topo.ntm;
    fc.features.forEach(function (f, i) {
      var d = m.districts[m.d[i]] || ["", -1], p = m.provinces[d[1]] || [""];
      f.id = m.codes[i];
      f.properties = { n: m.names[i], d: m.d[i], p: p[0] };
      Object.defineProperty(f.properties, "m", { value: m, enumerable: false });
    });
    return fc;
  }

  // Another national layer (a year across 1/7/2025): drop the drawn one, its outlines and
  // any drill-down; the new layer is built from its own file.
  function clear(map) {
    var st = map._ntmn;
    st.drillPending = null;
    if (st.drill) { st.container.removeLayer(st.drill); st.drill = null; st.drillCode = null; }
    if (st.back) { map.removeControl(st.back); st.back = null; }
    if (st.national) { st.container.removeLayer(st.national); st.national = null; }
    if (st.outlines) { map.removeLayer(st.outlines); st.outlines = null; }
    map.getContainer().removeAttribute("data-ntm-drill");
    map.getContainer().setAttribute("data-ntm-national", "loading");
  }

  function build(map, topo) {
    var st = map._ntmn;
    st.topo = topo;
    var obj = topo.objects.communes;
    obj.geometries.forEach(function (g, i) { g.properties = { d: topo.ntm.d[i] }; });
    st.national = L.geoJSON(features(topo), {
      renderer: st.renderer,
      style: function (f) { return style(st, f, false); }
    });
    timing.layers = performance.now();
    // Set the view first: adding 11k polygons and then zooming would project them twice.
    map.fitBounds(st.national.getBounds(), { animate: false });
    bind(st, map, st.national, false).addTo(st.container);
    var el = map.getContainer();
    el.setAttribute("data-ntm-national", "ready");
    el.setAttribute("data-ntm-features", String(st.national.getLayers().length));
    // Province borders (arcs between two provinces) after the first paint.
    setTimeout(function () {
      if (st.topo !== topo) { return; }   // another layer was asked for meanwhile
      var prov = function (g) { var d = topo.ntm.districts[g.properties.d]; return d ? d[1] : -1; };
      st.outlines = L.geoJSON(topojson.mesh(topo, obj, function (a, b) { return a === b || prov(a) !== prov(b); }), {
        renderer: st.renderer, interactive: false, style: { weight: 1, color: "#333333", opacity: 0.9, fill: false }
      }).addTo(map);
    }, 50);
  }

  function backControl(map) {
    var st = map._ntmn;
    if (st.back) { return; }
    var Back = L.Control.extend({
      onAdd: function () {
        var b = L.DomUtil.create("button", "ntm-national-back");
        b.type = "button";
        b.textContent = st.opts.labels.back;
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.on(b, "click", function () { drillUp(map); reportWholeCountry(map); });
        return b;
      }
    });
    st.back = new Back({ position: "topright" }).addTo(map);
  }

  function drillDown(map, provinceCode) {
    var st = map._ntmn, url = st.opts.provinces[provinceCode];
    if (!url || st.drillPending === provinceCode) { return; }
    st.drillPending = provinceCode;
    fetchJson(url).then(function (topo) {
      if (st.drillPending !== provinceCode) { return; }   // drilled up, or elsewhere, meanwhile
      if (st.drill) { st.container.removeLayer(st.drill); }
      st.drillCode = provinceCode;
      st.drill = L.geoJSON(features(topo), {
        renderer: st.renderer,
        style: function (f) { return style(st, f, true); }
      });
      bind(st, map, st.drill, true).addTo(st.container);
      map.fitBounds(st.drill.getBounds());
      backControl(map);
      map.getContainer().setAttribute("data-ntm-drill", provinceCode);
    });
  }

  function drillUp(map) {
    var st = map._ntmn;
    st.drillPending = null;
    if (!st.drill) { return; }   // nothing to undo: keep the reader's view
    st.container.removeLayer(st.drill); st.drill = null; st.drillCode = null;
    if (st.back) { map.removeControl(st.back); st.back = null; }
    map.fitBounds(st.national.getBounds());
    map.getContainer().removeAttribute("data-ntm-drill");
  }

  function legend(map) {
    // Title (the layer is the 2009 census layer, said on the map itself) and key.
    var st = map._ntmn, o = st.opts, L_ = o.labels;
    if (!st.legend) {
      var Legend = L.Control.extend({ onAdd: function () {
        var d = L.DomUtil.create("div", "ntm-national-legend");
        d.style.cssText = "background:#fff;padding:6px 8px;font:12px sans-serif;max-width:280px;box-shadow:0 1px 4px rgba(0,0,0,.3)";
        L.DomEvent.disableClickPropagation(d);   // a tap on the key opens it, it is not a map click
        L.DomEvent.disableScrollPropagation(d);
        return d; } });
      st.legend = new Legend({ position: "topright" }).addTo(map);   // over the sea: the south stays visible
    }
    var rows = ["<b>" + esc(L_.title) + "</b>", esc(L_.legend_title || (L_.year + ": " + o.year))];
    if (L_.subtitle) { rows.push("<span style='color:#333'>" + esc(L_.subtitle) + "</span>"); }
    o.legend.forEach(function (r) {   // the layer mode's classes, in legend order
      rows.push("<span style='display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #666;" +
                (r.opacity !== undefined && r.opacity < 0.9 ? "opacity:" + esc(r.opacity) + ";" : "") +
                "background:" + esc(r.fill) + "'></span>" + esc(r.label));
    });
    rows.push("<span style='color:#555'>" + esc(L_.hint) + "</span>");
    // The key folds under its title on a narrow map (a phone): open, it would hide half the
    // country; the reader opens it with one tap. The reader's choice is kept across restyles.
    var box = st.legend.getContainer(), prev = box.querySelector("details");
    var open = prev ? prev.open : map.getSize().x >= 560;
    box.innerHTML = "<details" + (open ? " open" : "") + "><summary style='cursor:pointer'>" + rows[0] +
                    "</summary>" + rows.slice(1).join("<br>") + "</details>";
  }

  function restyle(map, fresh) {
    var st = map._ntmn;
    legend(map);
    if (!fresh) {
      st.national.setStyle(function (f) { return style(st, f, false); });
      if (st.drill) { st.drill.setStyle(function (f) { return style(st, f, true); }); }
    }
    var el = map.getContainer();
    el.setAttribute("data-ntm-year", String(st.opts.year));
    el.setAttribute("data-ntm-lang", st.opts.lang);
    el.setAttribute("data-ntm-layer", st.opts.layer || "");
    el.setAttribute("data-ntm-mode", st.opts.mode.id);
  }

  function show(map, opts) {
    var st = map._ntmn;
    if (!st) { return; }
    st.opts = opts;
    timing.show = timing.show || performance.now();
    Promise.all([fetchJson(opts.geo), fetchJson(opts.status)]).then(function (res) {
      if (st.statusUrl !== opts.status) {   // expanded once per status file
        st.status = { years: res[1].years, units: expand(res[1].units, res[1].years) };
        st.statusUrl = opts.status;
      }
      timing.fetched = timing.fetched || performance.now();
      if (st.national && st.geoUrl !== opts.geo) { clear(map); }
      var fresh = !st.national;
      if (fresh) {
        st.geoUrl = opts.geo;
        build(map, res[0]);           // styled for these opts already
        timing.built = performance.now();
        restyle(map, true);
      } else {
        restyle(map, false);
      }
      // The page's drill-down (the URL): applied on a new layer and when the page changes it;
      // otherwise the reader's own drill-down (reported, not yet echoed back) stands.
      var want = opts.drill || null;
      if (fresh || want !== st.drillWanted) {
        st.drillWanted = want;
        if (want) { drillDown(map, want); } else { drillUp(map); }
      }
    }).catch(function (err) {
      map.getContainer().setAttribute("data-ntm-error", String(err));
      if (window.console) { console.error(err); }
    });
  }

  // Milestones (ms since navigation) read by benchmarks/bench_map.py.
  var timing = {};
  window.NtmNational = { timing: timing, attach: attach, show: show, drillDown: drillDown, drillUp: drillUp };
})();
