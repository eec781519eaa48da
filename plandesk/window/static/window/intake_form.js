// The intake form: one click, one case. The button is disabled once the form is sent.
(function () {
  var form = document.getElementById("intake-form");
  var button = document.getElementById("intake-submit");
  if (form && button) {
    form.addEventListener("submit", function () { button.disabled = true; });
  }
  // A typed coordinate list is read back as it is typed: what the numbers were recognised as (the bureau's CRS or
  // longitude/latitude), or what is wrong, and the site drawn on the map.
  var coords = document.getElementById("site_coords");
  var said = document.getElementById("site-coords-crs");
  if (!coords || !said || !coords.dataset.url) { return; }
  var timer = null;
  function read() {
    var text = coords.value.trim();
    if (!text) { said.textContent = ""; return; }
    fetch(coords.dataset.url + "?text=" + encodeURIComponent(text), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { said.textContent = data.message; said.className = "field-error"; return; }
        said.textContent = "识别为：" + data.recognised;
        said.className = "hint";
        document.dispatchEvent(new CustomEvent("site-map:set", { detail: { name: "site_geojson", site: data.site } }));
      });
  }
  coords.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(read, 400); });
  read();
})();
