// The case workspace: the site on a small map and the process diagram with done and current steps marked.
(function () {
  "use strict";

  function drawSite() {
    var el = document.getElementById("site-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { attributionControl: false });
    var layer = L.geoJSON(JSON.parse(el.dataset.geojson), { style: { color: "#c62828", weight: 2 } }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
  }

  function drawDiagram() {
    var el = document.getElementById("diagram");
    if (!el || !window.BpmnJS) { return; }
    var viewer = new window.BpmnJS({ container: el });
    fetch(el.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        function mark(list, css) {
          (list || "").split(",").forEach(function (id) {
            if (id && registry.get(id)) { canvas.addMarker(id, css); }
          });
        }
        mark(el.dataset.done, "done");
        mark(el.dataset.current, "current");
        canvas.zoom("fit-viewport");
        el.dataset.rendered = "true";
      })
      .catch(function (err) { el.dataset.error = String(err); });
  }

  document.addEventListener("DOMContentLoaded", function () { drawSite(); drawDiagram(); });
})();
