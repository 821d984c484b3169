/* The statistics dashboard (enforcement/stats/dashboard.py): the charts from the JSON in #dashboard-data,
   and the heat of complaint locations from #heat-map's data-url. With map tiles (data-tile-url) a heat
   layer over them; without, the cells as squares shaded by their count on an empty map. Each chart has
   its figures in a table beside it, so nothing depends on this script. No inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d"];

  function lineChart(id, series, options) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return;
    var datasets = Object.keys(series).map(function (slug, i) {
      return {
        label: data.labels[slug] || slug,
        data: series[slug],
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length],
        tension: 0.2,
        spanGaps: true,
      };
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.months, datasets: datasets },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, options || {}),
    });
    canvas.setAttribute("data-ready", "true");
  }

  function barChart(id, items, label, options) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined" || !items.length) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: items.map(function (item) { return item.label; }),
        datasets: [{ label: label, data: items.map(function (item) { return item.value; }), backgroundColor: palette[0] }],
      },
      options: Object.assign(
        { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
        options || {}
      ),
    });
    canvas.setAttribute("data-ready", "true");
  }

  lineChart("chart-trend", data.trend, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }); // counts
  lineChart("chart-rates", data.rates, { scales: { y: { suggestedMin: 0, suggestedMax: 100 } } });
  barChart("chart-categories", data.categories, "", { scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }); // counts
  barChart("chart-campaigns", data.campaigns, "");

  var el = document.getElementById("heat-map");
  if (!el || typeof L === "undefined") return;
  var status = document.getElementById("heat-status");
  el.style.height = "min(60vh, 30rem)";
  var tileUrl = el.getAttribute("data-tile-url");
  var cell = parseFloat(el.getAttribute("data-cell")) || 0.002;
  var map = L.map(el, { attributionControl: !!tileUrl, zoomSnap: 0.25 });
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);

  function draw(points) {
    if (!points.length) {
      el.classList.add("d-none");
      if (status) status.textContent = el.getAttribute("data-empty-label");
      return;
    }
    var most = points.reduce(function (m, p) { return Math.max(m, p[2]); }, 1);
    var bounds = L.latLngBounds([]);
    if (tileUrl && L.heatLayer) {
      L.heatLayer(points.map(function (p) { return [p[0], p[1], p[2] / most]; }), { radius: 18, blur: 14 }).addTo(map);
      points.forEach(function (p) { bounds.extend([p[0], p[1]]); });
    } else {
      points.forEach(function (p) {
        var rect = L.rectangle([[p[0], p[1]], [p[0] + cell, p[1] + cell]], {
          stroke: false,
          fillColor: "#dc3545",
          fillOpacity: 0.15 + 0.75 * (p[2] / most),
        });
        rect.bindTooltip(String(p[2]));
        rect.addTo(map);
        bounds.extend(rect.getBounds());
      });
    }
    map.fitBounds(bounds, { padding: [10, 10], maxZoom: 16 });
    el.setAttribute("data-ready", "true");
  }

  fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (body) { draw(body.cells || []); })
    .catch(function () {
      if (status) status.textContent = el.getAttribute("data-error-label");
    });
})();
