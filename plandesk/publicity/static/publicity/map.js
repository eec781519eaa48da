// Draws each publicity site from its element's data-geojson (a FeatureCollection in lon/lat), over the public base
// layers named in data-context (served by the gis app for the current view). No tiles: nothing loads from the
// Internet. Without JavaScript the page's list and links remain.
(function () {
  "use strict";
  function contextLayers(map, el) {
    var specs;
    try { specs = JSON.parse(el.dataset.context || "[]"); } catch (e) { return; }
    specs.forEach(function (spec) {
      var group = L.geoJSON(null, { style: { color: spec.color, weight: 1, opacity: 0.6, fillOpacity: 0.05 },
                                    interactive: false }).addTo(map);
      function load() {
        var b = map.getBounds();
        var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
        fetch(spec.url + "&bbox=" + bbox.join(",") + "&zoom=" + map.getZoom(), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { if (data) { group.clearLayers(); group.addData(data); group.bringToBack(); } })
          .catch(function () { /* the base layer is a help, not a need */ });
      }
      map.on("moveend", load);
      load();
    });
  }

  function draw(el) {
    if (!window.L) { return; }
    var data;
    try { data = JSON.parse(el.dataset.geojson || "{}"); } catch (e) { return; }
    if (!data.features || !data.features.length) { el.hidden = true; return; }
    var map = L.map(el, { attributionControl: false });
    L.control.scale({ imperial: false }).addTo(map);
    var layer = L.geoJSON(data, {
      style: { color: "#0b5394", weight: 2, fillOpacity: 0.3 },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties || {};
        if (p.url) {
          var a = document.createElement("a");
          a.href = p.url;
          a.textContent = p.title || p.url;
          lyr.bindPopup(a);
        }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 16 });
    contextLayers(map, el);
    el.dataset.rendered = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".publicity-map").forEach(draw);
  });
})();
