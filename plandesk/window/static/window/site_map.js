// Draw the site (用地范围) on a Leaflet map: click the corners, "完成" closes the ring into the hidden input as
// GeoJSON (lon/lat). Without tiles: the map shows a graticule only, nothing loads from the Internet.
(function () {
  var el = document.getElementById("site-map");
  if (!el || !window.L) { return; }
  var input = document.getElementById(el.dataset.input);
  var center = el.dataset.center.split(",").map(Number);
  var map = L.map(el, { center: center, zoom: 14 });
  var grid = L.layerGroup().addTo(map);
  function drawGrid() {
    grid.clearLayers();
    var b = map.getBounds(), step = 0.005;
    for (var x = Math.floor(b.getWest() / step) * step; x < b.getEast(); x += step) {
      grid.addLayer(L.polyline([[b.getSouth(), x], [b.getNorth(), x]], { color: "#ccc", weight: 1, interactive: false }));
    }
    for (var y = Math.floor(b.getSouth() / step) * step; y < b.getNorth(); y += step) {
      grid.addLayer(L.polyline([[y, b.getWest()], [y, b.getEast()]], { color: "#ccc", weight: 1, interactive: false }));
    }
  }
  map.on("moveend", drawGrid);
  drawGrid();
  var points = [], shape = null;
  function show(closed) {
    if (shape) { map.removeLayer(shape); }
    shape = closed ? L.polygon(points, { color: "#c00" }) : L.polyline(points, { color: "#c00", dashArray: "4" });
    shape.addTo(map);
  }
  if (input.value) {
    try {
      var g = JSON.parse(input.value);
      var ring = g.type === "Polygon" ? g.coordinates[0] : g.coordinates[0][0];
      points = ring.slice(0, -1).map(function (p) { return [p[1], p[0]]; });
      show(true);
      map.fitBounds(shape.getBounds());
    } catch (e) { points = []; }
  }
  map.on("click", function (e) {
    points.push([e.latlng.lat, e.latlng.lng]);
    show(false);
  });
  document.getElementById("site-finish").addEventListener("click", function () {
    if (points.length < 3) { return; }
    var ring = points.map(function (p) { return [p[1], p[0]]; });
    ring.push(ring[0]);
    input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    show(true);
  });
  document.getElementById("site-clear").addEventListener("click", function () {
    points = []; input.value = "";
    if (shape) { map.removeLayer(shape); shape = null; }
  });
})();
