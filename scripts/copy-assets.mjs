// Copy the files the pages use from node_modules into static/vendor (run by `make assets`).
import { cpSync, mkdirSync, rmSync } from "node:fs";

const files = {
  "htmx/htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
  "chartjs/chart.umd.js": "node_modules/chart.js/dist/chart.umd.js",
  "sortablejs/Sortable.min.js": "node_modules/sortablejs/Sortable.min.js",
  "swagger-ui/swagger-ui-bundle.js": "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui/swagger-ui-standalone-preset.js": "node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js",
  "swagger-ui/swagger-ui.css": "node_modules/swagger-ui-dist/swagger-ui.css",
  "swagger-ui/favicon-32x32.png": "node_modules/swagger-ui-dist/favicon-32x32.png",
};
rmSync("static/vendor", { recursive: true, force: true });
for (const [dest, src] of Object.entries(files)) {
  const target = `static/vendor/${dest}`;
  mkdirSync(target.substring(0, target.lastIndexOf("/")), { recursive: true });
  cpSync(src, target);
}
console.log(`Copied ${Object.keys(files).length} front-end files into static/vendor/`);
