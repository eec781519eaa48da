/* The site-drawing map (用地范围), shared by the intake window, the case workspace and the online applicant.
 *
 * Markup comes from the template include gis/site_map.html ({% site_map %}); everything this script needs is in the
 * element's data-config. Without a tile service the background is the bureau's own layers (parcels, road red lines,
 * buildings), fetched for the view and zoom from the same GeoJSON URLs as the layer map. Drawing: click the corners;
 * drag a corner to move it, drag the small mark in the middle of an edge to add one, right-click (or long-press) a
 * corner to delete it; 撤销 (or Ctrl+Z) undoes the last change; 完成 (or a click on the first corner) stops adding.
 * As the polygon changes the hidden input gets it as GeoJSON (lon/lat), the area shows at once (spherical estimate),
 * and the server's summary follows: the area in the bureau's CRS in m² and 亩, the parcels covered, and a warning
 * when the declared land area differs by more than the bureau's tolerance.
 */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  var R = 6378137;
  function sphericalArea(latlngs) {
    var total = 0;
    for (var i = 0; i < latlngs.length; i++) {
      var a = latlngs[i], b = latlngs[(i + 1) % latlngs.length];
      total += (b.lng - a.lng) * Math.PI / 180 * (2 + Math.sin(a.lat * Math.PI / 180) + Math.sin(b.lat * Math.PI / 180));
    }
    return Math.abs(total * R * R / 2);
  }
  function number(value, digits) {
    return Number(value).toLocaleString("zh-CN", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  // Parcels coloured by their land-use class, in the colours planning maps use (GB 50137's major classes), so the
  // background reads as a plan: yellow housing, red commerce, green parks...
  var LAND_USE_COLOURS = { R: "#f0d060", A: "#e994b4", B: "#e5604f", M: "#b8865a", W: "#a58fc8", S: "#b0b0b0",
                           U: "#5f9fd6", G: "#6cbf6c", H: "#c9a27a", E: "#9ccbe0" };

  function baseLayers(map, el, config) {
    var groups = [];
    var control = {};
    config.layers.forEach(function (spec) {
      var style = spec.style || {};
      var group = L.geoJSON(null, {
        interactive: false,  // clicks go through to the drawing
        style: function (feature) {
          var use = ((feature.properties || {}).land_use || "").charAt(0).toUpperCase();
          var fill = LAND_USE_COLOURS[use];
          return { color: style.color || "#555", weight: style.weight || 1, fillColor: fill || style.color || "#555",
                   fillOpacity: fill ? 0.35 : (style.fill || 0.15), className: "gis-layer-" + spec.code };
        },
        pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 3, interactive: false }); }
      });
      group.spec = spec;
      groups.push(group);
      control[spec.name] = group;
      if (spec.on !== false) { group.addTo(map); }
    });
    if (groups.length) { L.control.layers(null, control, { collapsed: true }).addTo(map); }
    map.baseGroups = groups;
    var pending = {};
    function load(group) {
      if (!map.hasLayer(group)) { return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
      var url = group.spec.url + (group.spec.url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox.join(",") +
        "&zoom=" + map.getZoom();
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
    function loadAll() { groups.forEach(load); }
    map.on("moveend", loadAll);
    map.on("overlayadd", function (e) { load(e.layer); });
    loadAll();
  }

  function init(el) {
    if (el.dataset.ready) { return; }  // a second include on the page loads this script again
    el.dataset.ready = "1";
    var config = JSON.parse(el.dataset.config);
    // The page's language comes with the config: "面积：{m2} 平方米" and so on, filled in here.
    function say(key, values) {
      return (config.words[key] || key).replace(/\{(\w+)\}/g, function (all, name) {
        return values && name in values ? values[name] : all;
      });
    }
    var tool = el.closest(".site-map-tool");
    var input = document.getElementById(el.dataset.input);
    var find = function (selector) { return tool.querySelector(selector); };
    var areaOut = find(".site-area"), warningBox = find(".site-area-warning"), parcelList = find(".site-parcels");
    var hint = find(".site-map-status");
    var map = L.map(el, { center: config.center, zoom: config.zoom, doubleClickZoom: false });
    if (config.tiles) { L.tileLayer(config.tiles, { maxZoom: 20 }).addTo(map); }
    L.control.scale({ imperial: false }).addTo(map);
    baseLayers(map, el, config);

    // Snapping: a corner put within SNAP_PX of a parcel's (or building's) corner goes onto it, else onto the nearest
    // point of its edge, so that a site drawn along a parcel boundary shares it instead of leaving slivers.
    var SNAP_PX = 10;
    var snapBox = find(".site-snap");
    function snapped(latlng) {
      if (!snapBox || !snapBox.checked) { return latlng; }
      var p = map.latLngToContainerPoint(latlng), view = map.getBounds().pad(0.1);
      var best = null, bestVertex = null, bestDistance = SNAP_PX, bestVertexDistance = SNAP_PX;
      (map.baseGroups || []).forEach(function (group) {
        if (!map.hasLayer(group)) { return; }
        group.eachLayer(function (shape) {
          if (!(shape instanceof L.Polygon) || !view.intersects(shape.getBounds())) { return; }
          var rings = shape.getLatLngs();
          (Array.isArray(rings[0][0]) ? [].concat.apply([], rings) : rings).forEach(function (ring) {
            for (var i = 0; i < ring.length; i++) {
              var a = map.latLngToContainerPoint(ring[i]), b = map.latLngToContainerPoint(ring[(i + 1) % ring.length]);
              var d = p.distanceTo(a);
              if (d < bestVertexDistance) { bestVertexDistance = d; bestVertex = ring[i]; }
              var on = L.LineUtil.closestPointOnSegment(p, a, b), e = p.distanceTo(on);
              if (e < bestDistance) { bestDistance = e; best = map.containerPointToLatLng(on); }
            }
          });
        });
      });
      return bestVertex || best || latlng;
    }

    var vertices = [], closed = false, history = [];
    var shape = null, handles = L.layerGroup().addTo(map);
    var vertexIcon = L.divIcon({ className: "site-vertex", iconSize: [12, 12] });
    var middleIcon = L.divIcon({ className: "site-midpoint", iconSize: [10, 10] });

    function snapshot() {
      history.push({ vertices: vertices.map(function (p) { return L.latLng(p.lat, p.lng); }), closed: closed });
      if (history.length > 200) { history.shift(); }
    }
    function ring() {
      var coords = vertices.map(function (p) { return [Number(p.lng.toFixed(7)), Number(p.lat.toFixed(7))]; });
      coords.push(coords[0]);
      return coords;
    }
    function drawShape() {
      if (shape) { map.removeLayer(shape); shape = null; }
      if (vertices.length >= 3) {
        shape = L.polygon(vertices, { color: "#c00", weight: 3, fillOpacity: 0.2, dashArray: closed ? null : "5 4",
                                      interactive: false, className: "site-shape" });
      } else if (vertices.length) {
        shape = L.polyline(vertices, { color: "#c00", weight: 2, dashArray: "5 4", interactive: false });
      }
      if (shape) { shape.addTo(map); }
    }
    function drawHandles() {
      handles.clearLayers();
      if (!config.editable) { return; }
      vertices.forEach(function (p, i) {
        var marker = L.marker(p, { icon: vertexIcon, draggable: true, keyboard: false, title: say("corner", { n: i + 1 }) });
        marker.on("dragstart", snapshot);
        marker.on("drag", function (e) { vertices[i] = e.target.getLatLng(); drawShape(); });
        marker.on("dragend", function (e) { vertices[i] = snapped(e.target.getLatLng()); changed(); });
        marker.on("click", function (e) {
          L.DomEvent.stop(e);
          if (i === 0 && !closed && vertices.length >= 3) { snapshot(); closed = true; changed(); }
        });
        marker.on("contextmenu", function (e) {
          L.DomEvent.stop(e);
          snapshot();
          vertices.splice(i, 1);
          if (vertices.length < 3) { closed = false; }
          changed();
        });
        handles.addLayer(marker);
      });
      var edges = closed ? vertices.length : vertices.length - 1;
      if (vertices.length < 2) { return; }
      for (var k = 0; k < edges; k++) {
        (function (k) {
          var a = vertices[k], b = vertices[(k + 1) % vertices.length];
          var middle = L.marker([(a.lat + b.lat) / 2, (a.lng + b.lng) / 2],
                                { icon: middleIcon, draggable: true, keyboard: false, title: say("add_corner") });
          middle.on("dragstart", function () { snapshot(); vertices.splice(k + 1, 0, middle.getLatLng()); });
          middle.on("drag", function (e) { vertices[k + 1] = e.target.getLatLng(); drawShape(); });
          middle.on("dragend", function (e) { vertices[k + 1] = snapped(e.target.getLatLng()); changed(); });
          middle.on("click", function (e) { L.DomEvent.stop(e); });
          handles.addLayer(middle);
        })(k);
      }
    }

    var timer = null, asked = 0;
    function summarize() {
      clearTimeout(timer);
      if (vertices.length < 3) {
        areaOut.textContent = say("area_none");
        warningBox.hidden = true;
        parcelList.innerHTML = "";
        el.dataset.summary = "empty";
        return;
      }
      el.dataset.summary = "pending";  // what is shown is not yet for this drawing
      timer = setTimeout(function () {
        var url = config.summary_url + (config.summary_url.indexOf("?") < 0 ? "?" : "&") + "site=" +
          encodeURIComponent(input.value);
        var declared = declaredArea();
        if (declared) { url += "&declared=" + encodeURIComponent(declared); }
        var mine = ++asked;
        el.dataset.summary = "loading";
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === asked) { showSummary(data); } })
          .catch(function () { el.dataset.summary = "failed"; });
      }, 250);
    }
    function showSummary(data) {
      parcelList.innerHTML = "";
      if (data.error) {
        warningBox.textContent = data.message;
        warningBox.hidden = false;
        el.dataset.summary = "invalid";
        return;
      }
      areaOut.textContent = say("area", { m2: number(data.area_m2, 0), mu: number(data.area_mu, 2) });
      warningBox.textContent = data.warning || "";
      warningBox.hidden = !data.warning;
      if (data.parcels.length) {
        var title = document.createElement("p");
        title.textContent = say("parcels", { n: data.parcels.length + data.more_parcels });
        parcelList.appendChild(title);
        var list = document.createElement("ul");
        data.parcels.forEach(function (p) {
          var item = document.createElement("li");
          item.className = "site-parcel";
          item.textContent = say("parcel", { code: p.code, use: p.land_use_text || "", m2: number(p.overlap_m2, 0),
                                             share: Math.round(p.share * 100) + "%" });
          list.appendChild(item);
        });
        parcelList.appendChild(list);
        var covered = data.parcels.reduce(function (sum, p) { return sum + p.share; }, 0);
        if (!data.more_parcels && covered < 0.99) {
          var rest = document.createElement("p");
          rest.className = "hint site-outside";
          rest.textContent = say("outside", { share: Math.round((1 - covered) * 100) + "%" });
          parcelList.appendChild(rest);
        }
      } else {
        parcelList.textContent = say("no_parcels");
      }
      el.dataset.summary = "ready";
    }
    // The declared land area may come later in the page than the map: looked up when needed, heard by delegation.
    var declaredSelector = el.dataset.declared;
    function declaredArea() {
      var found = declaredSelector ? document.querySelector(declaredSelector) : null;
      var value = found ? parseFloat(found.value) : NaN;
      return isFinite(value) && value > 0 ? value : null;
    }
    if (declaredSelector) {
      document.addEventListener("input", function (e) {
        if (e.target.matches && e.target.matches(declaredSelector)) { summarize(); }
      });
    }

    function changed() {
      drawShape();
      drawHandles();
      if (vertices.length >= 3) {
        input.value = JSON.stringify({ type: "Polygon", coordinates: [ring()] });
        areaOut.textContent = say("area_about", { m2: number(sphericalArea(vertices), 0) });
      } else {
        input.value = "";
      }
      if (hint) {
        hint.textContent = !config.editable ? "" : say(closed ? "done" : vertices.length < 3 ? "start" : "more");
      }
      find(".site-undo") && (find(".site-undo").disabled = !history.length);
      summarize();
    }

    if (config.editable) {
      map.on("click", function (e) {
        if (closed) { return; }
        snapshot();
        vertices.push(snapped(e.latlng));
        changed();
      });
      find(".site-finish").addEventListener("click", function () {
        if (vertices.length < 3 || closed) { return; }
        snapshot(); closed = true; changed();
      });
      find(".site-undo").addEventListener("click", undo);
      find(".site-clear").addEventListener("click", function () {
        if (!vertices.length) { return; }
        snapshot(); vertices = []; closed = false; changed();
      });
      el.addEventListener("keydown", function (e) {
        if ((e.ctrlKey || e.metaKey) && e.key === "z") { e.preventDefault(); undo(); }
      });
    }
    function undo() {
      var last = history.pop();
      if (!last) { return; }
      vertices = last.vertices; closed = last.closed;
      changed();
    }

    function show(g) {
      var outer = g.type === "Polygon" ? g.coordinates[0] : g.coordinates[0][0];
      vertices = outer.slice(0, -1).map(function (p) { return L.latLng(p[1], p[0]); });
      closed = true;
      changed();
      map.fitBounds(L.latLngBounds(vertices), { maxZoom: 17, padding: [30, 30] });
    }
    // Another part of the page (a typed coordinate list) hands this map a site to show and edit.
    document.addEventListener("site-map:set", function (e) {
      if (e.detail.name !== input.id) { return; }
      snapshot();
      show(e.detail.site);
    });
    if (input.value) {
      try { show(JSON.parse(input.value)); } catch (err) { vertices = []; changed(); }
    } else {
      changed();
    }
  }

  document.querySelectorAll(".site-map[data-config]").forEach(init);
})();
