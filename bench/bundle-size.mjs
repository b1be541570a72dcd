// The JavaScript each page ships, read from the production build's own manifests. Alone:
// `npm run build && node bench/bundle-size.mjs` prints the table for whatever is in .next;
// `npm run bench` builds first and keeps the numbers in bench/results.json (its `bundles` section).
//
// A page's first load is the framework's chunks (build-manifest.json `rootMainFiles`) plus the
// chunks its client reference manifest lists for its layouts and page (`entryJSFiles`). Polyfills
// are left out: modern browsers skip them (`nomodule`). "On demand" is every chunk those chunks can
// import later (a dynamic `import()` names its chunk's path), followed to the end: what a page may
// still fetch after hydration, e.g. the chat socket's code and the schemas loaded with the first answer.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const NEXT = path.resolve(import.meta.dirname, "../.next");
/** The student's pages, in the order the table shows them; every other page follows. */
export const STUDENT_PAGES = ["/", "/tutors", "/bookings", "/memory", "/notifications"];
/** The student's chat: its first load is held to this (gzipped KB). */
export const CHAT_PAGE_BUDGET_KB = 150;
/** Staff-only libraries, each known by a string its bundled code keeps; a student page should load none of them. */
const STAFF_LIBRARIES = {
  "@simplewebauthn/browser": "WebAuthn is not supported in this browser",
  uplot: "u-legend",
};
const CHUNK_PATH = /static\/chunks\/[\w.-]+\.js/g;

async function* clientManifests(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* clientManifests(file);
    else if (entry.name === "page_client-reference-manifest.js") yield file;
  }
}

/** The manifest is a script that sets `globalThis.__RSC_MANIFEST[entry]`; run it in an empty context. */
async function readClientManifest(file) {
  const context = {};
  context.globalThis = context;
  vm.runInNewContext(await readFile(file, "utf8"), context, { filename: file });
  const [[entry, manifest]] = Object.entries(context.__RSC_MANIFEST);
  return { entry, files: Object.values(manifest.entryJSFiles ?? {}).flat() };
}

/** "/bookings/page" → "/bookings"; route groups "(x)" leave no trace in the URL. */
function routeOf(entry) {
  const route = entry.replace(/\/page$/, "").replace(/\/\([^/]+\)/g, "");
  return route === "" ? "/" : route;
}

/** Each chunk read once: bytes, gzipped bytes (level 9), the chunks it can import, the staff libraries in it. */
function chunkReader() {
  const cache = new Map();
  return async (file) => {
    if (!cache.has(file)) {
      const body = await readFile(path.join(NEXT, file));
      const text = body.toString("utf8");
      cache.set(file, {
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
        imports: [...new Set(text.match(CHUNK_PATH) ?? [])],
        staff: Object.entries(STAFF_LIBRARIES).filter(([, marker]) => text.includes(marker)).map(([name]) => name),
      });
    }
    return cache.get(file);
  };
}

async function total(chunks, read) {
  const sum = { raw: 0, gzip: 0, staff: new Set() };
  for (const chunk of chunks) {
    const { raw, gzip, staff } = await read(chunk);
    sum.raw += raw;
    sum.gzip += gzip;
    for (const name of staff) sum.staff.add(name);
  }
  return sum;
}

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

/** Per page: first-load and on-demand JavaScript in KB, and the staff-only libraries it can load. */
export async function measureBundles() {
  if (!existsSync(path.join(NEXT, "build-manifest.json"))) throw new Error("No production build in .next: run `npm run build` first.");
  const buildManifest = JSON.parse(await readFile(path.join(NEXT, "build-manifest.json"), "utf8"));
  const read = chunkReader();
  const pages = [];
  for await (const file of clientManifests(path.join(NEXT, "server/app"))) {
    const { entry, files } = await readClientManifest(file);
    const route = routeOf(entry);
    if (route.startsWith("/_")) continue; // Next's own not-found and error pages
    const initial = new Set([...buildManifest.rootMainFiles, ...files]);
    const onDemand = new Set();
    for (const queue = [...initial]; queue.length > 0; ) {
      for (const next of (await read(queue.pop())).imports) {
        if (initial.has(next) || onDemand.has(next)) continue;
        onDemand.add(next);
        queue.push(next);
      }
    }
    const first = await total(initial, read);
    const later = await total(onDemand, read);
    pages.push({
      route,
      chunks: initial.size,
      firstLoadKb: kb(first.raw),
      firstLoadGzipKb: kb(first.gzip),
      onDemandGzipKb: kb(later.gzip),
      staffLibraries: [...new Set([...first.staff, ...later.staff])].sort(),
    });
  }
  const order = (route) => (STUDENT_PAGES.includes(route) ? STUDENT_PAGES.indexOf(route) : STUDENT_PAGES.length);
  pages.sort((a, b) => order(a.route) - order(b.route) || a.route.localeCompare(b.route));
  return { frameworkGzipKb: kb((await total(buildManifest.rootMainFiles, read)).gzip), chatPageBudgetKb: CHAT_PAGE_BUDGET_KB, pages };
}

export function printBundles({ frameworkGzipKb, chatPageBudgetKb, pages }) {
  const header = ["page", "JS gzipped KB", "JS KB", "+ on demand, gzipped KB", "staff-only libraries"];
  const rows = pages.map((page) => [page.route, String(page.firstLoadGzipKb), String(page.firstLoadKb), String(page.onDemandGzipKb), page.staffLibraries.join(", ") || "-"]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const left = (column) => column === 0 || column === header.length - 1;
  const line = (cells) => `| ${cells.map((cell, column) => (left(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width, column) => (left(column) ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  console.log(`First load = the framework's ${frameworkGzipKb} KB (every page) + the page's own chunks; gzip -9 of each chunk.`);
  const chat = pages.find((page) => page.route === "/");
  if (chat) console.log(`The chat page: ${chat.firstLoadGzipKb} KB of ${chatPageBudgetKb} KB allowed${chat.firstLoadGzipKb > chatPageBudgetKb ? " — OVER BUDGET" : ""}.`);
  const leaks = pages.filter((page) => STUDENT_PAGES.includes(page.route) && page.staffLibraries.length > 0);
  for (const page of leaks) console.log(`Student page ${page.route} can load staff-only ${page.staffLibraries.join(", ")}.`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printBundles(await measureBundles());
}
