// Site selection: the ranked candidate parcels on a map, each labelled with its rank.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("siting-map");
    if (!el || !window.L) { return; }
    var data = JSON.parse(el.dataset.geojson);
    var map = L.map(el, { attributionControl: false });
    if (!data.features.length) { map.setView([30.60, 114.30], 13); return; }
    var layer = L.geoJSON(data, {
      style: function (f) { return { color: f.properties.rank <= 3 ? "#c62828" : "#d4774a", weight: 2, fillOpacity: 0.25 }; },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip("#" + p.rank + " " + p.code + " " + p.land_use + " " + p.area_m2 + " ㎡");
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
    el.dataset.rendered = "true";
  });
})();
