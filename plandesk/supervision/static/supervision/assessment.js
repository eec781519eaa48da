// Draws the register's figures from the page's data-chart attribute (the table above holds the same numbers).
(function () {
  "use strict";
  var el = document.getElementById("assessment-chart");
  if (!el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(el.getAttribute("data-chart"));
  var bar = function (key) {
    return { name: data.labels[key], type: "bar", data: data.series[key] };
  };
  echarts.init(el).setOption({
    title: { text: "办结与亮灯", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { top: 24 },
    grid: { top: 64, left: 48, right: 48, bottom: 48 },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 30 : 0 } },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", max: 100 }],
    series: [bar("handled"), bar("yellow"), bar("red"),
             { name: data.labels.on_time_rate, type: "line", yAxisIndex: 1, data: data.series.on_time_rate }]
  });
  var second = document.getElementById("assessment-chart-urgings");
  if (second) {
    echarts.init(second).setOption({
      title: { text: "催办与用时", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24 },
      grid: { top: 64, left: 48, right: 48, bottom: 48 },
      xAxis: { type: "category", data: data.names },
      yAxis: { type: "value" },
      series: [bar("phone"), bar("urgings"), bar("avg_days"), bar("p90_days")]
    });
  }
})();
