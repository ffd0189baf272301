// Progress charts: one chart per metric from the page's JSON (the measurements' and, when
// present, the phone's daily health figures), with a dashed target line.
document.addEventListener("DOMContentLoaded", () => {
  const sources = ["chart-data", "health-chart-data", "more-chart-data"].map((id) => document.getElementById(id)).filter(Boolean);
  if (!sources.length || typeof Chart === "undefined") return;
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#15803d";
  sources.flatMap((source) => JSON.parse(source.textContent)).forEach((series) => {
    const canvas = document.getElementById(`chart-${series.key}`);
    if (!canvas) return;
    const datasets = [{
      label: series.name,
      data: series.values,
      borderColor: brand,
      backgroundColor: brand,
      tension: 0.25,
      pointRadius: 3,
    }];
    if (series.target !== null && series.target !== undefined) {
      datasets.push({
        label: series.target_label || "Target",
        data: series.labels.map(() => series.target),
        borderColor: "#b45309",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false,
      });
    }
    const scale = series.kind === "scale" ? { min: 1, max: 10 } : series.kind === "yes_no" ? { min: 0, max: 1 } : {};
    canvas.chart = new Chart(canvas, {
      type: series.type || "line",
      data: { labels: series.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { y: { ...scale, title: { display: Boolean(series.unit), text: series.unit } } },
      },
    });
  });
});
