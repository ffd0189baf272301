// Draws the reports' charts from the JSON blocks the page renders; the tables beside them
// carry the same figures for screen readers and for anyone without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const style = getComputedStyle(document.documentElement);
  const brand = style.getPropertyValue("--brand").trim() || "#15803d";
  const read = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };
  const moneyAxis = (currency) => {
    const money = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "currency", currency });
    return {
      scales: { y: { ticks: { callback: (value) => money.format(value) } } },
      plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${money.format(ctx.parsed.y)}` } } },
    };
  };
  const base = { responsive: true, maintainAspectRatio: false, animation: false };

  const mrr = read("mrr-data");
  const mrrCanvas = document.getElementById("mrr-chart");
  if (mrr && mrrCanvas) {
    const ups = [brand, "#0e7490", "#7c3aed"];
    const downs = ["#f59e0b", "#b91c1c"];
    let up = 0;
    let down = 0;
    const axis = moneyAxis(mrr.currency);
    new Chart(mrrCanvas, {
      data: {
        labels: mrr.labels,
        datasets: [
          ...mrr.series.map((s) => ({
            type: "bar",
            label: s.label,
            data: s.data,
            stack: "movements",
            backgroundColor: s.kind === "up" ? ups[up++ % ups.length] : downs[down++ % downs.length],
          })),
          { type: "line", label: mrr.closing.label, data: mrr.closing.data, borderColor: "#111827", stack: "closing" },
        ],
      },
      options: { ...base, ...axis, scales: { x: { stacked: true }, y: { ...axis.scales.y, stacked: true } } },
    });
  }

  const cash = read("cash-data");
  const cashCanvas = document.getElementById("cash-chart");
  if (cash && cashCanvas) {
    const colours = [brand, "#9ca3af"];
    new Chart(cashCanvas, {
      type: "bar",
      data: {
        labels: cash.labels,
        datasets: cash.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: colours[i % 2] })),
      },
      options: { ...base, ...moneyAxis(cash.currency) },
    });
  }
});
