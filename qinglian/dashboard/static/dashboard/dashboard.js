// Draws each dashboard chart from the plain specs the page carries (json_script); the tables beside them
// hold the same figures for screen readers and printing.
(function () {
  "use strict";
  var specs = JSON.parse(document.getElementById("dashboard-charts").textContent);
  var charts = [];
  function option(spec) {
    var font = {fontFamily: "sans-serif"};
    if (spec.type === "pie") {
      return {textStyle: font, tooltip: {trigger: "item"}, legend: {bottom: 0},
        series: [{type: "pie", radius: ["35%", "65%"], name: spec.series[0].name,
          data: spec.categories.map(function (c, i) { return {name: c, value: spec.series[0].data[i]}; })}]};
    }
    var cat = {type: "category", data: spec.categories, axisLabel: {interval: 0, hideOverlap: true}};
    var val = {type: "value", minInterval: 1};
    return {
      textStyle: font, animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0, type: "scroll"},
      grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
      xAxis: spec.horizontal ? val : cat,
      yAxis: spec.horizontal ? cat : val,
      series: spec.series.map(function (s) {
        var out = {type: spec.type, name: s.name, data: s.data, barMaxWidth: 40, emphasis: {focus: "series"}};
        if (spec.stack) { out.stack = "total"; }
        if (s.color) { out.itemStyle = {color: s.color}; }
        return out;
      })
    };
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = specs[el.getAttribute("data-chart")];
    if (!spec || !window.echarts) { return; }
    var chart = window.echarts.init(el, null, {renderer: "svg"});
    chart.setOption(option(spec));
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
