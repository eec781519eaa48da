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
      return k !== "layer" && k !== "url" && k !== "light" && props[k] !== null && props[k] !== "";
    }).map(function (k) {
      // Words for coded values (通信, not telecom; 二类居住用地（R2）, not R2), from the layer's config.
      var words = ((spec.values || {})[k] || {})[props[k]];
      return "<tr><th>" + escape((spec.labels || {})[k] || k) + "</th><td>" + escape(words || props[k]) + "</td></tr>";
    });
    var link = props.url && props.url.charAt(0) === "/" ?
      '<p><a href="' + escape(props.url) + '">打开案件</a></p>' : "";
    return '<div class="feature-info"><strong>' + escape(spec.name) + "</strong><table>" + rows.join("") +
      "</table>" + link + "</div>";
  }

  var overlays = {};
  var byCode = {};
  config.layers.forEach(function (spec) {
    var style = spec.style || {};
    var group = L.geoJSON(null, {
      style: function (feature) {
        // An overlay may colour each feature by a property (case sites by their light).
        var color = style.by ? (style.colors || {})[(feature.properties || {})[style.by]] : null;
        return { color: color || style.color || "#555", weight: style.weight || 1.5, fillOpacity: style.fill || 0.2,
                 className: "gis-layer-" + spec.code + (color ? " by-" + feature.properties[style.by] : "") };
      },
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 4 }); },
      onEachFeature: function (feature, layer) {
        if (config.info_url) {
          // The public map answers every click with the plan at that point (and what was clicked).
          layer.on("click", function (e) { L.DomEvent.stop(e); askPlan(e.latlng, spec, feature.properties || {}); });
        } else {
          layer.bindPopup(info(spec, feature.properties || {}));
        }
      }
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

  // Distance and area measurement: click points, double-click to finish.
  var R = 6378137;
  function ringArea(latlngs) {
    var total = 0;
    for (var i = 0; i < latlngs.length; i++) {
      var a = latlngs[i], b = latlngs[(i + 1) % latlngs.length];
      total += (b.lng - a.lng) * Math.PI / 180 *
        (2 + Math.sin(a.lat * Math.PI / 180) + Math.sin(b.lat * Math.PI / 180));
    }
    return Math.abs(total * R * R / 2);
  }
  var Measure = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar measure");
      var out = L.DomUtil.create("output", "measure-out", box);
      [["line", "测距"], ["area", "测面积"]].forEach(function (pair) {
        var button = L.DomUtil.create("a", "measure-" + pair[0], box);
        button.href = "#"; button.textContent = pair[1]; button.title = pair[1];
        L.DomEvent.on(button, "click", function (e) { L.DomEvent.stop(e); start(pair[0], out); });
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });
  var measuring = null;
  function start(kind, out) {
    if (measuring) { measuring.shape.remove(); }
    var shape = kind === "area" ? L.polygon([], { color: "#e6550d" }) : L.polyline([], { color: "#e6550d" });
    measuring = { kind: kind, shape: shape.addTo(map), out: out };
    map.doubleClickZoom.disable();
    out.textContent = "单击地图添加点，双击结束";
  }
  map.on("click", function (e) {
    if (!measuring) { return; }
    measuring.shape.addLatLng(e.latlng);
    var pts = measuring.shape.getLatLngs();
    pts = Array.isArray(pts[0]) ? pts[0] : pts;
    var text;
    if (measuring.kind === "area") {
      text = "面积 " + (pts.length > 2 ? ringArea(pts).toFixed(0) : 0) + " 平方米";
    } else {
      var d = 0;
      for (var i = 1; i < pts.length; i++) { d += map.distance(pts[i - 1], pts[i]); }
      text = "距离 " + d.toFixed(1) + " 米";
    }
    measuring.out.textContent = text;
  });
  // The public map: a click anywhere tells the planning information there (built with textContent, never HTML).
  var INDICATORS = { far_max: "容积率上限", density_max: "建筑密度上限（%）", height_max: "建筑限高（米）",
                     green_min: "绿地率下限（%）" };
  function planInfo(data) {
    var box = document.createElement("div");
    box.className = "feature-info plan-info";
    if (!data.parcels || !data.parcels.length) {
      box.textContent = "该处没有公开的控规地块。";
      return box;
    }
    data.parcels.forEach(function (parcel) {
      var title = document.createElement("strong");
      title.textContent = "控规地块 " + parcel.code;
      var table = document.createElement("table");
      var rows = [["用地性质", ((parcel.land_use || "") + " " + (parcel.land_use_name || "")).trim()]];
      Object.keys(INDICATORS).forEach(function (k) { rows.push([INDICATORS[k], (parcel.indicators || {})[k]]); });
      rows.push(["所属规划", parcel.plan], ["批准日期", parcel.approved_on]);
      rows.forEach(function (pair) {
        if (pair[1] === null || pair[1] === undefined || pair[1] === "") { return; }
        var tr = table.insertRow();
        var th = document.createElement("th"); th.textContent = pair[0]; tr.appendChild(th);
        tr.insertCell().textContent = String(pair[1]);
      });
      box.appendChild(title); box.appendChild(table);
    });
    return box;
  }
  function askPlan(latlng, spec, props) {
    if (measuring) { return; }
    fetch(config.info_url + "?lon=" + latlng.lng.toFixed(7) + "&lat=" + latlng.lat.toFixed(7))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var box = planInfo(data);
        if (spec && spec.family !== "plans") {
          var clicked = document.createElement("div");
          clicked.innerHTML = info(spec, props);  // info() escapes every value
          box.appendChild(clicked);
        }
        L.popup().setLatLng(latlng).setContent(box).openOn(map);
        el.dataset.planInfo = String(data.parcels.length);
      });
  }
  if (config.info_url) {
    map.on("click", function (e) { askPlan(e.latlng, null, null); });
  }
  map.on("dblclick", function () {
    if (measuring) { measuring = null; map.doubleClickZoom.enable(); }
  });
  map.addControl(new Measure());

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
