// Copy the files the pages use from node_modules into static/vendor (run by `make assets`).
// A file that names its source map (`sourceMappingURL=...`) gets that map copied beside it:
// collectstatic's manifest storage rewrites the reference to the map's hashed name and fails
// the production build if the map is missing. The vendored files stay byte for byte as npm
// ships them.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const files = {
  "htmx/htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
  "chartjs/chart.umd.js": "node_modules/chart.js/dist/chart.umd.js",
  "sortablejs/Sortable.min.js": "node_modules/sortablejs/Sortable.min.js",
  "swagger-ui/swagger-ui-bundle.js": "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui/swagger-ui-standalone-preset.js": "node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js",
  "swagger-ui/swagger-ui.css": "node_modules/swagger-ui-dist/swagger-ui.css",
  "swagger-ui/favicon-32x32.png": "node_modules/swagger-ui-dist/favicon-32x32.png",
};
// The comment forms Django's ManifestStaticFilesStorage follows in JavaScript and CSS.
const SOURCE_MAP = /^(?:\/\/# sourceMappingURL=(\S+)|\/\*# sourceMappingURL=(\S+?)\s*\*\/)\s*$/gm;

function sourceMaps(path) {
  if (!/\.(js|css)$/.test(path)) return [];
  const maps = [];
  for (const match of readFileSync(path, "utf8").matchAll(SOURCE_MAP)) {
    const url = match[1] ?? match[2];
    if (!url.startsWith("data:")) maps.push(url);
  }
  return maps;
}

rmSync("static/vendor", { recursive: true, force: true });
let copied = 0;
for (const [dest, src] of Object.entries(files)) {
  const target = `static/vendor/${dest}`;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(src, target);
  copied += 1;
  for (const map of sourceMaps(src)) {
    const mapSource = join(dirname(src), map);
    if (!existsSync(mapSource)) {
      console.error(`${src} names the source map ${map}, which its package does not ship`);
      process.exit(1);
    }
    cpSync(mapSource, join(dirname(target), map));
    copied += 1;
  }
}
console.log(`Copied ${copied} front-end files into static/vendor/`);
