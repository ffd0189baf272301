// Draws the revenue-by-month chart from the JSON block the page renders.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("revenue-chart");
  const source = document.getElementById("revenue-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#15803d";
  const money = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "currency", currency: data.currency });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.label_net, data: data.net, backgroundColor: brand },
        { label: data.label_refunded, data: data.refunded, backgroundColor: "#9ca3af" },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { callback: (value) => money.format(value) } } },
      plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${money.format(ctx.parsed.y)}` } } },
    },
  });
});
