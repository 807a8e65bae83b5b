/* NTM Atlas map client (served by the app, no internet needed).
 *
 * Why this exists: Streamlit re-sends a map's arguments with every change, so
 * geometry (one TopoJSON) and every year's statuses (a compact table) are
 * fetched once by URL from Streamlit's static serving (browser-cached), and a
 * year / level change only sends a small view for `NtmAtlas.show(map, view)`
 * (the map frame, static/ntm/frame/, keeps the map).
 */
(function () {
  "use strict";
  if (window.NtmAtlas) { return; }

  var fetchJson = NtmCommon.fetchJson, esc = NtmCommon.esc, expand = NtmCommon.expandTable;
  var cache = {};   // expanded status tables, per URL

  function ensureHatch(map, hatch) {
    // The SVG pattern of "no record" (palette.HATCH: white with grey diagonal lines), added
    // to every SVG renderer of the map so fill="url(#ntm-hatch)" resolves.
    var svgs = map.getContainer().querySelectorAll("svg"), h = hatch || { background: "#ffffff", line: "#8c8c8c", size: 6, width: 2 };
    svgs.forEach(function (svg) {
      if (svg.querySelector("#ntm-hatch")) { return; }
      var ns = "http://www.w3.org/2000/svg";
      var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
      var p = document.createElementNS(ns, "pattern");
      p.setAttribute("id", "ntm-hatch");
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", String(h.size));
      p.setAttribute("height", String(h.size));
      p.setAttribute("patternTransform", "rotate(45)");
      var bg = document.createElementNS(ns, "rect");
      bg.setAttribute("width", String(h.size)); bg.setAttribute("height", String(h.size)); bg.setAttribute("fill", h.background);
      var line = document.createElementNS(ns, "line");
      line.setAttribute("x1", "0"); line.setAttribute("y1", "0");
      line.setAttribute("x2", "0"); line.setAttribute("y2", String(h.size));
      line.setAttribute("stroke", h.line); line.setAttribute("stroke-width", String(h.width));
      p.appendChild(bg); p.appendChild(line); defs.appendChild(p);
    });
  }

  // Ray casting over a polygon layer's rings (holes and multipolygons included).
  function contains(layer, ll) {
    if (!layer.getBounds().contains(ll)) { return false; }
    var inside = false;
    (function walk(rings) {
      if (!rings.length) { return; }
      if (rings[0] instanceof L.LatLng) {
        for (var i = 0, j = rings.length - 1; i < rings.length; j = i++) {
          var a = rings[i], b = rings[j];
          if ((a.lat > ll.lat) !== (b.lat > ll.lat) &&
              ll.lng < (b.lng - a.lng) * (ll.lat - a.lat) / (b.lat - a.lat) + a.lng) { inside = !inside; }
        }
      } else { rings.forEach(walk); }
    })(layer.getLatLngs());
    return inside;
  }

  // A click whose mousedown and mouseup land on different elements (the pointer
  // crossing a tooltip or an outline) reaches the map, not the polygon; find the
  // commune under it and fire the click there, so the map frame reports it.
  function clickFallback(map, e) {
    var st = map._ntm, t = e.originalEvent && e.originalEvent.target;
    if (!st.communes || (t && t.tagName === "path")) { return; }
    var best = null, bestArea = Infinity;      // an enclave sits inside its neighbour's bounds
    st.communes.eachLayer(function (l) {
      if (!contains(l, e.latlng)) { return; }
      var b = l.getBounds(), area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (area < bestArea) { best = l; bestArea = area; }
    });
    if (best) { best.fire("click", { latlng: e.latlng, originalEvent: e.originalEvent }, true); }
  }

  // State per map: the layer container (returned: the map frame reports the clicks that
  // bubble up to it), loaded layers, current view.
  function attach(map) {
    var container = L.featureGroup().addTo(map);
    map._ntm = { container: container, communes: null, districts: null, province: null,
                 geoKey: null, view: null, status: null, shown: null, seq: 0 };
    map.on("click", function (e) { clickFallback(map, e); });
    // On touch phones one finger scrolls the page, not the map (pinch and the
    // +/- buttons still zoom; dragging comes back once zoomed in).
    if (L.Browser.mobile) {
      map.dragging.disable();
      map.on("zoomend", function () { if (map.getZoom() > 10) { map.dragging.enable(); } else { map.dragging.disable(); } });
    }
    if (!map.getPane("ntmOutlines")) {
      var pane = map.createPane("ntmOutlines");
      pane.style.zIndex = 450;            // above communes (overlayPane = 400)
      pane.style.pointerEvents = "none";  // hover and click reach the communes below
    }
    return container;
  }

  function row(view, code) {
    var s = view && view.statusData;
    if (!s || !s.units[code]) { return null; }
    return s.units[code][String(view.year)] || null;
  }

  var PENDING = { weight: 0.7, color: "#444444", fillColor: "#ffffff", fillOpacity: 0.2 };

  // The class a layer mode gives a unit is in its row (the server's map specification);
  // the style of each class is in the style file. Nothing is derived here.
  function classStyle(mode, r) {
    var cls = r && r[mode.id] !== null && r[mode.id] !== undefined ? r[mode.id] : mode.missing;
    return mode.classes[cls] || mode.classes[mode.missing];
  }

  function fill(style, c, ownOutline) {
    style.fillColor = c.pattern ? "url(#ntm-" + c.pattern + ")" : c.fill;
    style.fillOpacity = c.opacity === undefined ? 0.9 : c.opacity;
    if (ownOutline) {              // a district layer keeps the district border as its outline
      if (c.edge) { style.color = c.edge; }
      if (c.dash) { style.dashArray = c.dash; }
    }
  }

  function modeOf(view) { return view.opts.modes[view.opts.mode]; }

  function communeStyle(view, feature) {
    if (!view) { return PENDING; }
    var p = feature.properties, o = view.opts, pal = o.palette, mode = modeOf(view);
    var r = row(view, p.unit_code);
    var style = { weight: 0.7, color: pal.outline, opacity: 0.9, fillOpacity: 0.9, dashArray: null };
    if (mode.units === "commune") {
      fill(style, classStyle(mode, r), true);
      if (r && r.holdout === 1) { style.color = pal.holdout; style.weight = 3; style.dashArray = null; }
    } else {
      style.fillOpacity = 0; style.weight = 0.5;
    }
    if (o.highlight && o.highlight === p.unit_code) { style.color = "#000000"; style.weight = 4; style.dashArray = null; }
    return style;
  }

  function communeTooltip(view, layer) {
    if (!view) { return ""; }
    var p = layer.feature.properties, L_ = view.opts.labels;
    var r = row(view, p.unit_code);
    var level = r ? r.level : (p.eligible ? "unknown" : "not_applicable");
    var levelLabel = (L_.level_by_mode && L_.level_by_mode[view.opts.mode]) || L_.level;
    var lines = ["<b>" + esc(p.name) + "</b>"];
    if (p.district_name) { lines.push(esc(L_.district) + ": " + esc(p.district_name)); }
    lines.push(esc(levelLabel) + " (" + esc(view.year) + "): " + esc(L_.levels[level] || level) +
               (r && r.mixed === 1 ? " (" + esc(L_.mixed) + ")" : ""));
    if (p.former) {      // a new unit (two-level vintage): what it was formed from ("name|p": a part of it)
      lines.push(esc(L_.former) + ": " + String(p.former).split(";").map(function (f) {
        var part = f.slice(-2) === "|p";
        return esc(part ? f.slice(0, -2) : f) + (part ? " (" + esc(L_.partial) + ")" : ""); }).join(", "));
    }
    if (r && r.criteria_met !== null && r.criteria_met !== undefined) {
      lines.push(esc(L_.criteria) + ": " + esc(r.criteria_met) + (r.criteria_total ? "/" + esc(r.criteria_total) : ""));
    }
    lines.push(esc(L_.decision) + ": " + (r && r.decision ? esc(r.decision) : "—"));
    lines.push(esc(L_.provenance) + ": " + (r && r.provenance ? esc(L_.provenances[r.provenance] || r.provenance) : "—"));
    if (r && r.holdout === 1) { lines.push("<span style='color:#b2182b'>" + esc(L_.holdout) + "</span>"); }
    return "<div class='ntm-tip'>" + lines.join("<br>") + "</div>";
  }

  function districtStyle(view, feature) {
    if (!view) { return { weight: 2.2, color: "#222222", fill: false }; }
    var pal = view.opts.palette, mode = modeOf(view);
    var style = { weight: 2.2, color: pal.district, opacity: 1, fill: false };
    if (mode.units === "district") {
      var d = view.statusData && view.statusData.districts[feature.properties.unit_code];
      var r = d ? d[String(view.year)] : null;
      style.fill = true;
      fill(style, classStyle(mode, r), false);
      if (r && r.holdout === 1) { style.color = pal.holdout; style.weight = 3.5; }
    }
    return style;
  }

  // Overlays (ui/maps/spec.py modes with overlay=True): the former districts of a two-level
  // vintage, thin dashed lines with their names, in the style of the mode's one class.
  function overlayOn(view, id) { return (view.opts.overlays || []).indexOf(id) >= 0; }

  function drawFormer(map, view) {
    var st = map._ntm, on = st.former && overlayOn(view, "former_districts");
    if (st.former) {
      var mode = view.opts.modes.former_districts, c = mode ? mode.classes[mode.missing] : null;
      if (c) { st.former.setStyle({ weight: 1.2, color: c.edge, dashArray: c.dash, opacity: 0.9, fill: false }); }
      if (on && !st.container.hasLayer(st.former)) { st.container.addLayer(st.former); }
      if (!on && st.container.hasLayer(st.former)) { st.container.removeLayer(st.former); }
    }
    if (st.formerLabels) { st.formerOn = on; st.formerShow(); }
  }

  function restyle(map) {
    var st = map._ntm, view = st.view;
    if (!view || !st.communes) { return; }
    ensureHatch(map, view.opts.palette.hatch);
    st.communes.setStyle(function (f) { return communeStyle(view, f); });
    if (st.districts) { st.districts.setStyle(function (f) { return districtStyle(view, f); }); }
    drawFormer(map, view);
    ensureHatch(map, view.opts.palette.hatch);
    st.shown = { year: view.year, mode: view.opts.mode, n: st.communes.getLayers().length, highlight: view.opts.highlight || null };
    map.getContainer().setAttribute("data-ntm-year", String(view.year));
    map.getContainer().setAttribute("data-ntm-mode", view.opts.mode);
  }

  // Fit the layer to the frame; the frame may still be sizing itself, so size first.
  function fit(map) {
    var st = map._ntm;
    if (!st.communes) { return; }
    st.fitting = true;
    map.invalidateSize();
    map.fitBounds(st.communes.getBounds(), { padding: [8, 8] });
    st.fitting = false;
  }

  // The topology (one file, every border once) as the three GeoJSON layers drawn:
  // communes, districts (communes merged per district) and the province outline
  // (arcs used by one commune only: the outer edge).
  function layersOf(topo) {
    var obj = topo.objects.communes, meta = topo.ntm || { districts: [], outline: false };
    var names = {};
    meta.districts.forEach(function (d) { names[d[0]] = d[1]; });
    var communes = topojson.feature(topo, obj);
    communes.features.forEach(function (f) {
      var p = f.properties;
      p.unit_code = String(f.id);
      p.eligible = p.eligible === 1;
      p.district_name = names[p.district_code] || "";
    });
    var districts = { type: "FeatureCollection", features: meta.districts.map(function (d) {
      return { type: "Feature",
               properties: { unit_code: d[0], name: d[1], short_name: d[2], label_lat: d[3], label_lng: d[4] },
               geometry: topojson.merge(topo, obj.geometries.filter(function (g) { return g.properties.district_code === d[0]; })) };
    }) };
    var outline = meta.outline ? topojson.mesh(topo, obj, function (a, b) { return a === b; }) : null;
    return [communes, districts, outline];
  }

  function fetchStatus(url) {
    var key = "status|" + url;
    if (!cache[key]) {
      cache[key] = fetchJson(url).then(function (s) {
        return { years: s.years, units: expand(s.units, s.years), districts: expand(s.districts, s.years) };
      });
    }
    return cache[key];
  }

  // The former districts (a second, small topology): their borders once each, and labels.
  function loadFormer(map, url) {
    var st = map._ntm;
    return fetchJson(url).then(function (topo) {
      var obj = topo.objects.districts;
      st.former = L.geoJSON(topojson.mesh(topo, obj), { pane: "ntmOutlines", interactive: false,
                                                         style: { weight: 1.2, color: "#4d4d4d", fill: false } });
      st.formerLabels = L.layerGroup();
      (topo.ntm.districts || []).forEach(function (d) {
        st.formerLabels.addLayer(L.marker([d[3], d[4]], {
          interactive: false, keyboard: false, ntmName: d[2] || d[1],
          icon: L.divIcon({ className: "ntm-flabel", html: "<span>" + esc(d[2] || d[1]) + "</span>", iconSize: null })
        }));
      });
      st.formerShow = function () {
        var on = st.formerOn && map.getZoom() >= 8.5;
        if (on && !st.container.hasLayer(st.formerLabels)) { st.container.addLayer(st.formerLabels); }
        if (!on && st.container.hasLayer(st.formerLabels)) { st.container.removeLayer(st.formerLabels); }
        if (on && st.view) { drawFormerText(st); }
      };
      map.on("zoomend", st.formerShow);
    });
  }

  function drawFormerText(st) {
    var label = st.view.opts.labels.former_district || "{name}";
    st.formerLabels.eachLayer(function (m) {
      var el = m.getElement && m.getElement();
      if (el && el.firstChild) { el.firstChild.textContent = label.replace("{name}", m.options.ntmName); }
    });
  }

  function loadGeometry(map, opts) {
    var st = map._ntm;
    var key = opts.geo.topology;
    if (st.geoKey === key && st.geoPromise) { return st.geoPromise; }
    st.geoKey = key;
    [st.former, st.formerLabels].forEach(function (l) { if (l) { st.container.removeLayer(l); } });
    st.former = st.formerLabels = null;
    var former = opts.geo.former ? loadFormer(map, opts.geo.former) : Promise.resolve();
    st.geoPromise = Promise.all([fetchJson(opts.geo.topology), former]).then(function (res) {
      var topo = res[0];
      if (st.geoKey !== key) { return; }          // a newer vintage was asked for meanwhile
      var parts = layersOf(topo);
      [st.communes, st.districts, st.province, st.labels].forEach(function (l) { if (l) { st.container.removeLayer(l); } });
      st.communes = L.geoJSON(parts[0], {
        style: function (f) { return communeStyle(st.view, f); },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(function (l) { return communeTooltip(st.view, l); }, { sticky: true, direction: "top", className: "ntm-tooltip" });
          // Hover: a heavier outline only. Re-ordering the element under the pointer
          // (bringToFront) makes the browser retarget the click to the parent <g>,
          // and Leaflet then never reports which commune was clicked.
          layer.on("mouseover", function () { layer.setStyle({ weight: 3 }); });
          layer.on("mouseout", function () { layer.setStyle(communeStyle(st.view, f)); });
        }
      });
      st.districts = L.geoJSON(parts[1], { pane: "ntmOutlines", interactive: false,
                                           style: function (f) { return districtStyle(st.view, f); } });
      st.province = parts[2] ? L.geoJSON(parts[2], { pane: "ntmOutlines", interactive: false,
                                                      style: { weight: 3.5, color: "#111111", fill: false } }) : null;
      st.container.addLayer(st.communes);
      st.container.addLayer(st.districts);
      if (st.province) { st.container.addLayer(st.province); }
      st.labels = L.layerGroup();
      parts[1].features.forEach(function (f) {
        if (!f.properties.label_lat) { return; }
        st.labels.addLayer(L.marker([f.properties.label_lat, f.properties.label_lng], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "ntm-dlabel", html: "<span>" + esc(f.properties.short_name || f.properties.name) + "</span>", iconSize: null })
        }));
      });
      // District names only when there is room for them (not on a phone-sized overview).
      var showLabels = function () {
        var on = map.getZoom() >= 9;
        if (on && !st.container.hasLayer(st.labels)) { st.container.addLayer(st.labels); }
        if (!on && st.container.hasLayer(st.labels)) { st.container.removeLayer(st.labels); }
      };
      map.on("zoomend", showLabels);
      fit(map);
      showLabels();
      if (!st.resizeHooked) {
        st.resizeHooked = true;
        map.on("zoomstart movestart", function (e) { if (!st.fitting) { st.userMoved = true; } });
        window.addEventListener("resize", function () { map.invalidateSize(); if (!st.userMoved) { fit(map); } });
      }
    });
    return st.geoPromise;
  }

  // Show one view: geometry URLs (fetched once), status URL (all years), style URL
  // (labels of one language + palette), year, mode, highlighted commune.
  function show(map, opts) {
    if (!map || !map._ntm) { return; }
    var st = map._ntm, seq = ++st.seq;
    Promise.all([loadGeometry(map, opts), fetchStatus(opts.status),
                 opts.style ? fetchJson(opts.style) : Promise.resolve({})]).then(function (parts) {
      if (seq !== st.seq) { return; }            // superseded by a newer call
      opts.labels = opts.labels || parts[2].labels;
      opts.palette = opts.palette || parts[2].palette;
      opts.modes = opts.modes || parts[2].modes;
      st.view = { opts: opts, year: opts.year, statusData: parts[1] };
      restyle(map);
      if (opts.highlight && st.communes) {
        st.communes.eachLayer(function (l) { if (l.feature.properties.unit_code === opts.highlight) { l.bringToFront(); } });
      }
    }).catch(function (e) { console.warn(String(e)); });
  }

  window.NtmAtlas = { attach: attach, show: show, esc: esc, state: function (map) { return (map || window.map)._ntm; } };
})();
