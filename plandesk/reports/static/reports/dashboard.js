// Draws the dashboard's figures from the data-chart attribute (the table above holds the same numbers; each
// number there links to its cases).
(function () {
  "use strict";
  var el = document.getElementById("figures-chart");
  if (!el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(el.getAttribute("data-chart"));
  var bar = function (key) { return { name: data.labels[key], type: "bar", data: data.series[key] }; };
  echarts.init(el).setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { top: 40, left: 48, right: 24, bottom: 64 },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", name: "件" },
    series: ["received", "completed", "on_time", "overdue", "refused", "paused"].map(bar)
  });
}());
