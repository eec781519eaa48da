// Draws each publicity site from its element's data-geojson (a FeatureCollection in lon/lat).
// No base tiles: nothing loads from the Internet; the outlines and their links are the map.
(function () {
  function draw(el) {
    if (!window.L) return;
    var data;
    try { data = JSON.parse(el.dataset.geojson || "{}"); } catch (e) { return; }
    if (!data.features || !data.features.length) { el.hidden = true; return; }
    var map = L.map(el, { attributionControl: false });
    var layer = L.geoJSON(data, {
      style: { color: "#0b5394", weight: 2, fillOpacity: 0.25 },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties || {};
        if (p.url) {
          var a = document.createElement("a");
          a.href = p.url; a.textContent = p.title || p.url;
          lyr.bindPopup(a);
        }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 17 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".publicity-map").forEach(draw);
  });
})();
