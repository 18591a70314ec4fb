// Items by status at the end of each day: a stacked area chart drawn by the vendored Chart.js
// from /portal/stats.json (the signed-in sender's own items only).
window.addEventListener("load", function () {
  "use strict";
  var figure = document.getElementById("status-chart");
  if (!figure || !window.Chart) { return; }
  fetch(figure.dataset.series, {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var chart = new window.Chart(document.getElementById("status-chart-canvas"), {
        type: "line",
        data: {
          labels: data.days,
          datasets: data.series.map(function (s) {
            return {label: s.label, status: s.status, data: s.counts, borderColor: s.colour,
                    backgroundColor: s.colour, fill: true, pointRadius: 0, stepped: true};
          })
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: {mode: "index", intersect: false},
          scales: {
            x: {ticks: {autoSkip: true, maxRotation: 0}},
            y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}
          },
          plugins: {title: {display: true, text: figure.dataset.title}, legend: {position: "bottom"}}
        }
      });
      figure.chart = chart;
      figure.dataset.ready = "1";
    });
});
