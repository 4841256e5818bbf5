/* The dashboard's charts (Apache ECharts, vendored beside this file): the data comes from the page's
   json_script element "oversight-charts"; no inline script (Content-Security-Policy). */
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("oversight-charts");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var en = (document.documentElement.lang || "vi").indexOf("en") === 0;
    var t = function (vi, english) { return en ? english : vi; };
    var days = en ? ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] : ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
    var options = {
      groups: {
        title: { text: t("Điểm theo nhóm", "Points per group"), textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { top: 60, left: 40, right: 10, bottom: 60 },
        xAxis: { type: "category", axisLabel: { interval: 0, rotate: 20 }, data: data.groups.map(function (g) { return en ? g.en : g.vi; }) },
        yAxis: { type: "value" },
        series: [
          { name: t("Điểm", "Points"), type: "bar", data: data.groups.map(function (g) { return g.points; }) },
          { name: t("Tối đa đo được", "Measured maximum"), type: "bar", data: data.groups.map(function (g) { return g.measured_max; }) },
          { name: t("Tối đa", "Maximum"), type: "bar", data: data.groups.map(function (g) { return g.max; }) }
        ]
      },
      units: {
        title: { text: t("Tỷ lệ đúng hạn theo đơn vị (%)", "On-time rate per unit (%)"), textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { top: 40, left: 40, right: 10, bottom: 90 },
        xAxis: { type: "category", axisLabel: { interval: 0, rotate: 30 }, data: data.units.map(function (u) { return u.name; }) },
        yAxis: { type: "value", max: 100 },
        series: [{ name: t("Đúng hạn (%)", "On time (%)"), type: "bar", data: data.units.map(function (u) { return u.rate; }) }]
      },
      months: {
        title: { text: t("Phi địa giới theo tháng", "Boundary-free by month"), textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { top: 60, left: 40, right: 40, bottom: 30 },
        xAxis: { type: "category", data: data.months.map(function (m) { return m.month; }) },
        yAxis: [{ type: "value" }, { type: "value", max: 100 }],
        series: [
          { name: t("Tiếp nhận", "Received"), type: "bar", data: data.months.map(function (m) { return m.received; }) },
          { name: t("Ngoài địa bàn (%)", "Outside the area (%)"), type: "line", yAxisIndex: 1, data: data.months.map(function (m) { return m.share; }) }
        ]
      },
      channels: {
        title: { text: t("Kênh nộp", "Channels"), textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: "60%", top: 20, data: data.channels.map(function (c) { return { name: en ? c.en : c.vi, value: c.value }; }) }]
      },
      hours: {
        title: { text: t("Lượt tiếp nhận theo giờ trong tuần", "Intakes per hour of the week"), textStyle: { fontSize: 14 } },
        tooltip: { position: "top" },
        grid: { top: 40, left: 40, right: 10, bottom: 60 },
        xAxis: { type: "category", data: Array.from({ length: 24 }, function (_, h) { return String(h); }) },
        yAxis: { type: "category", data: days },
        visualMap: { min: 0, max: Math.max.apply(null, [1].concat(data.hours.map(function (h) { return h[2]; }))), calculable: true, orient: "horizontal", left: "center", bottom: 0 },
        series: [{ type: "heatmap", data: data.hours }]
      }
    };
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var option = options[element.getAttribute("data-chart")];
      if (!option) { return; }
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option);
      element.setAttribute("data-rendered", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
