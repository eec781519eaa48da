// The compliance panel of the case workspace: the site, the parcels and the conflicts on a map, and the drafted
// opinion copied into the handler's opinion field on request (never overwriting what he has written).
(function () {
  "use strict";

  var COLOURS = { site: "#c62828", parcel: "#d4774a", conflict: "#7b1fa2" };

  function drawMap() {
    var el = document.getElementById("compliance-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { attributionControl: false });
    var layer = L.geoJSON(JSON.parse(el.dataset.geojson), {
      style: function (f) {
        var role = f.properties.role;
        return { color: COLOURS[role], weight: role === "site" ? 3 : 2, fillOpacity: role === "parcel" ? 0.1 : 0.3 };
      },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 18, padding: [20, 20] });
    el.dataset.rendered = "true";
  }

  function offerOpinion() {
    var button = document.getElementById("compliance-fill");
    var source = document.getElementById("compliance-opinion");
    var target = document.getElementById("id_opinion");
    if (!button || !source || !target) { return; }
    button.hidden = false;
    if (source.dataset.prefill === "true" && !target.value.trim()) { target.value = source.value; }
    button.addEventListener("click", function () {
      target.value = target.value.trim() ? target.value + "\n" + source.value : source.value;
      target.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawMap(); offerOpinion(); });
})();
