// Public planning information: the public plan parcels drawn per view; a click asks the server what the plan says
// at that point and shows it beside the map (text built with textContent: nothing from the server is parsed as HTML).
(function () {
  "use strict";

  var LABELS = { far_max: "容积率上限", density_max: "建筑密度上限（%）", height_max: "建筑限高（米）", green_min: "绿地率下限（%）" };

  function row(dl, term, value) {
    if (value === null || value === undefined || value === "") { return; }
    var dt = document.createElement("dt"); dt.textContent = term;
    var dd = document.createElement("dd"); dd.textContent = String(value);
    dl.appendChild(dt); dl.appendChild(dd);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("plan-map");
    var side = document.getElementById("plan-info");
    if (!el || !window.L) { return; }
    var map = L.map(el, { attributionControl: false }).setView([30.60, 114.30], 15);
    // Not interactive: a click anywhere, on a parcel or not, is a click on the map that asks the server.
    var parcels = L.geoJSON(null, { interactive: false, style: { color: "#d4774a", weight: 1, fillOpacity: 0.15 } })
      .addTo(map);
    var chosen = L.geoJSON(null, { interactive: false, style: { color: "#c62828", weight: 3, fillOpacity: 0.3 } })
      .addTo(map);
    var urls = (el.dataset.layers || "").split(" ").filter(Boolean);

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
      parcels.clearLayers();
      urls.forEach(function (url) {
        fetch(url + "&bbox=" + bbox.join(",") + "&zoom=" + map.getZoom())
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (data) { parcels.addData(data); el.dataset.loaded = String(data.features.length); }
          });
      });
    }

    function show(data) {
      side.textContent = "";
      chosen.clearLayers();
      if (!data.parcels.length) {
        var p = document.createElement("p"); p.className = "hint"; p.textContent = "该处没有公开的控规地块。";
        side.appendChild(p);
        return;
      }
      data.parcels.forEach(function (parcel) {
        var h = document.createElement("h2"); h.textContent = parcel.code; side.appendChild(h);
        var dl = document.createElement("dl"); dl.className = "props";
        row(dl, "用地性质", (parcel.land_use + " " + parcel.land_use_name).trim());
        Object.keys(LABELS).forEach(function (k) { row(dl, LABELS[k], parcel.indicators[k]); });
        row(dl, "所属规划", parcel.plan);
        row(dl, "批准日期", parcel.approved_on);
        side.appendChild(dl);
        chosen.addData(parcel.geometry);
      });
    }

    map.on("moveend", load);
    map.on("click", function (e) {
      fetch(el.dataset.infoUrl + "?lon=" + e.latlng.lng.toFixed(7) + "&lat=" + e.latlng.lat.toFixed(7))
        .then(function (r) { return r.json(); })
        .then(function (data) { show(data); side.dataset.answered = "true"; });
    });
    load();
  });
})();
