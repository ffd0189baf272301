// Charts of a client's training page: adherence, weekly sets per muscle, estimated 1RM.
(function () {
  "use strict";
  const PALETTE = ["#15803d", "#1d4ed8", "#b45309", "#9333ea", "#be123c", "#0e7490", "#4d7c0f", "#6b7280"];

  // Axis labels come from the server in the locale's short date; the page's language is
  // the fallback for a date it did not write.
  function label(iso, written) {
    if (written && written[iso]) return written[iso];
    const d = new Date(iso + "T00:00:00");
    return d.toLocaleDateString(document.documentElement.lang || undefined, { day: "numeric", month: "short", year: "numeric" });
  }

  function weekLabels(series) {
    return series.week_labels || series.weeks.map((w) => label(w));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const node = document.getElementById("training-chart-data");
    if (!node || typeof window.Chart === "undefined") return;
    const data = JSON.parse(node.textContent);
    // Numbers to read, not a show: no animation.
    window.Chart.defaults.animation = false;
    const labels = data.labels || { scheduled: "Scheduled", completed: "Completed", kg: "kg" };

    const adherence = document.getElementById("chart-adherence");
    if (adherence) {
      new window.Chart(adherence, {
        type: "bar",
        data: {
          labels: weekLabels(data.adherence),
          datasets: [
            { label: labels.scheduled, data: data.adherence.scheduled, backgroundColor: "#d1d5db" },
            { label: labels.completed, data: data.adherence.completed, backgroundColor: PALETTE[0] },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }

    const volume = document.getElementById("chart-volume");
    const muscles = Object.keys(data.volume.muscles || {});
    if (volume && muscles.length) {
      new window.Chart(volume, {
        type: "bar",
        data: {
          labels: weekLabels(data.volume),
          datasets: muscles.map((m, i) => ({
            label: m,
            data: data.volume.muscles[m],
            backgroundColor: PALETTE[i % PALETTE.length],
          })),
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }

    const e1rm = document.getElementById("chart-e1rm");
    const series = (data.e1rm && data.e1rm.series) || [];
    if (e1rm && series.length) {
      const dates = Array.from(new Set(series.flatMap((s) => s.points.map((p) => p.date)))).sort();
      new window.Chart(e1rm, {
        type: "line",
        data: {
          labels: dates.map((d) => label(d, data.e1rm.date_labels)),
          datasets: series.map((s, i) => {
            const byDate = Object.fromEntries(s.points.map((p) => [p.date, p.e1rm]));
            return {
              label: s.exercise + " (" + labels.kg + ")",
              data: dates.map((d) => (d in byDate ? byDate[d] : null)),
              borderColor: PALETTE[i % PALETTE.length],
              backgroundColor: PALETTE[i % PALETTE.length],
              spanGaps: true,
              tension: 0.2,
            };
          }),
        },
        options: { scales: { y: { beginAtZero: false } } },
      });
    }
  });
})();
