/**
 * One line for what `wrangler d1 migrations apply` did (`npm run setup`, and so `npm run dev`).
 * Wrangler prints the table of pending migrations, then the whole table again after each one it
 * applies, so a fresh database printed it once per migration plus once; the setup script shows
 * this line instead, and the full output only when wrangler fails or says something this does
 * not recognise.
 */

/** The rows of one of wrangler's box-drawn tables: each row's cells, trimmed (header row included). */
function tableRows(table: string): string[][] {
  return table
    .split("\n")
    .filter((line) => line.startsWith("│"))
    .map((line) =>
      line
        .split("│")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/**
 * The summary of a successful run's standard output, or null when it is not one wrangler's
 * known shapes (the caller then prints the output as it is).
 */
export function migrationSummary(output: string): string | null {
  if (/No migrations to apply/.test(output)) return "D1 migrations: up to date.";
  // Every table starts with ┌; the last one is the final status of every migration applied.
  const tables = output.split("┌").slice(1);
  const last = tables.at(-1);
  if (!last) return null;
  const [header, ...rows] = tableRows(last);
  if (header?.[0] !== "name" || header[1] !== "status" || rows.length === 0) return null;
  const done = rows.filter((row) => row[1]?.startsWith("✅"));
  if (done.length !== rows.length) return null;
  const names = done.map((row) => row[0]!.replace(/\.sql$/, ""));
  const span = names.length === 1 ? names[0] : `${names[0]} … ${names.at(-1)}`;
  return `D1 migrations: applied ${names.length} (${span}).`;
}
