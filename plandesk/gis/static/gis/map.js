/* The map: overlays from data-config, loaded per view (bbox + zoom), feature info on click, zoom to search hits. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var config = JSON.parse(el.dataset.config);
  var map = L.map(el, { preferCanvas: false }).setView(config.center, config.zoom);
  if (config.tiles) { L.tileLayer(config.tiles, { maxZoom: 20 }).addTo(map); }
  L.control.scale({ imperial: false }).addTo(map);

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function info(spec, props) {
    var rows = Object.keys(props).filter(function (k) {
      return k !== "layer" && props[k] !== null && props[k] !== "";
    }).map(function (k) {
      return "<tr><th>" + escape(spec.labels[k] || k) + "</th><td>" + escape(props[k]) + "</td></tr>";
    });
    return '<div class="feature-info"><strong>' + escape(spec.name) + "</strong><table>" + rows.join("") + "</table></div>";
  }

  var overlays = {};
  var byCode = {};
  config.layers.forEach(function (spec) {
    var style = spec.style || {};
    var group = L.geoJSON(null, {
      style: function () {
        return { color: style.color || "#555", weight: style.weight || 1.5, fillOpacity: style.fill || 0.2,
                 className: "gis-layer-" + spec.code };
      },
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 4 }); },
      onEachFeature: function (feature, layer) { layer.bindPopup(info(spec, feature.properties || {})); }
    });
    group.spec = spec;
    overlays[spec.name] = group;
    byCode[spec.code] = group;
    if (spec.on) { group.addTo(map); }
  });
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  var pending = {};
  function load(group) {
    if (!map.hasLayer(group)) { return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
    var url = group.spec.url + (group.spec.url.indexOf("?") < 0 ? "?" : "&") +
      "bbox=" + bbox.join(",") + "&zoom=" + map.getZoom();
    if (pending[group.spec.code]) { pending[group.spec.code].abort(); }
    var controller = new AbortController();
    pending[group.spec.code] = controller;
    fetch(url, { credentials: "same-origin", signal: controller.signal })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        group.clearLayers();
        group.addData(data);
        el.dataset["loaded_" + group.spec.code.replace(/-/g, "_")] = String(data.features.length);
      })
      .catch(function () { /* a newer view replaced this request */ });
  }
  function loadAll() { Object.keys(overlays).forEach(function (name) { load(overlays[name]); }); }
  map.on("moveend", loadAll);
  map.on("overlayadd", function (e) { load(e.layer); });
  loadAll();

  document.querySelectorAll(".zoom-to").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var b = link.dataset.bbox.split(",").map(Number);
      var group = byCode[link.dataset.layer];
      if (group && !map.hasLayer(group)) { group.addTo(map); }
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 17 });
    });
  });
  var first = document.querySelector(".zoom-to");
  if (first) { first.click(); }
})();
