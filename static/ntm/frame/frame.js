/* NTM Atlas map frame: the document Streamlit shows for a map (ui/maps/base.py declares it
 * as a component).
 *
 * Streamlit re-sends a component's arguments whole with every rerun, so they hold only what
 * a view needs: the client (NtmAtlas, NtmNational), the map's centre and zoom, and the view the
 * client shows (URLs of the files it fetches once, the year, the layer mode, …). The map itself
 * is made here, once per frame, and a change of the view is one `<Client>.show(map, view)`:
 * the map restyles in place, nothing is evaluated from the arguments.
 *
 * Streamlit's component protocol (API version 1, as streamlit-component-lib speaks it): the
 * frame says it is ready, Streamlit posts "streamlit:render" with the arguments on every rerun,
 * the frame sets its height and reports the feature clicked as the component's value. */
(function () {
  "use strict";

  var STATIC = "../../app/static/";   // the app's static files, from <base>/component/<name>/
  // Each client's own files (Leaflet, topojson-client and ntm-common are in index.html).
  var CLIENTS = {
    NtmAtlas: { js: "ntm/ntm-map.js", css: "ntm/ntm-map.css" },
    NtmNational: { js: "national/ntm-national.js" }
  };
  var map = null, client = null, ready = null, last = {}, reported = null;

  function send(type, data) {
    var msg = { isStreamlitMessage: true, type: type };
    Object.keys(data || {}).forEach(function (k) { msg[k] = data[k]; });
    window.parent.postMessage(msg, "*");
  }

  function loadClient(name) {
    var files = CLIENTS[name];
    if (!files) { return Promise.reject(new Error("NTM Atlas: no map client " + name)); }
    if (files.css) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = STATIC + files.css;
      document.head.appendChild(link);
    }
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = STATIC + files.js;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("NTM Atlas: cannot load " + files.js)); };
      document.head.appendChild(s);
    });
  }

  // A click on a unit: the client's layers are in its container, their events bubble up to it
  // (a client may also fire one there itself: the national map's back button). The value is
  // the feature's id and properties, without its geometry; the same report again is no change.
  function report(e) {
    var l = e.layer, f = l && (l.feature || (l.toGeoJSON && l.toGeoJSON()));
    if (!f) { return; }
    var value = { id: f.id === undefined ? null : f.id, properties: f.properties || {} };
    var text = JSON.stringify(value);
    if (text === reported) { return; }
    reported = text;
    send("streamlit:setComponentValue", { value: value, dataType: "json" });
  }

  function mount(args) {
    var el = document.getElementById("map"), m = args.map;
    el.style.height = args.height + "px";
    map = L.map(el, { center: m.center, zoom: m.zoom, zoomSnap: 0.25, zoomDelta: 0.5,
                      preferCanvas: !!m.canvas });
    L.control.scale().addTo(map);
    if (m.tiles) { L.tileLayer(m.tiles.url, { attribution: m.tiles.attribution }).addTo(map); }
    window.map = map;                   // what the clients and the tests read
    client = window[args.client];
    client.attach(map).on("click", report);
    last.height = args.height;
    send("streamlit:setFrameHeight", { height: args.height });
  }

  function update(args) {
    if (args.height !== last.height) {
      map.getContainer().style.height = args.height + "px";
      map.invalidateSize();
      send("streamlit:setFrameHeight", { height: args.height });
    }
    var view = JSON.stringify(args.view);
    if (view !== last.view) { client.show(map, args.view); }
    // A searched commune: centre and zoom on it (given, and not already applied).
    var centre = JSON.stringify(args.center || null);
    if ((args.center && centre !== last.center) || (args.zoom && args.zoom !== last.zoom)) {
      map.setView(args.center || map.getCenter(), args.zoom || map.getZoom());
    }
    last = { height: args.height, view: view, center: centre, zoom: args.zoom };
  }

  function fail(e) {
    document.getElementById("map").setAttribute("data-ntm-error", String(e));
    if (window.console) { console.error(e); }
  }

  // Renders apply in order: those that arrive while the client loads wait for it.
  function render(args) {
    if (!ready) { ready = loadClient(args.client).then(function () { mount(args); }); }
    ready = ready.then(function () { update(args); }).catch(fail);
  }

  window.addEventListener("message", function (e) {
    if (e.source === window.parent && e.data && e.data.type === "streamlit:render") { render(e.data.args || {}); }
  });
  send("streamlit:componentReady", { apiVersion: 1 });
})();
