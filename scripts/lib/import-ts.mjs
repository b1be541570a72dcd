// Node scripts use the app's TypeScript modules (the same rules and data as the workers), bundled on the fly.
import { build } from "esbuild";

/**
 * Imports `exports` (TypeScript export statements with paths relative to `root`)
 * as one ES module bundled for Node, e.g.
 * `await importTs('export { SEED_TUTORS } from "./lib/tutoring/catalog-data.ts";')`.
 */
export async function importTs(exports, root = process.cwd()) {
  const bundle = await build({
    stdin: { contents: exports, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
  });
  return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`);
}
