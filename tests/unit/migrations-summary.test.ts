import { describe, expect, it } from "vitest";
import { migrationSummary } from "../../lib/db/migrations-summary";

/** A box-drawn table as wrangler prints it (`d1 migrations apply`), padded to its widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const rule = (left: string, middle: string, right: string) => `${left}${widths.map((width) => "─".repeat(width + 2)).join(middle)}${right}`;
  const line = (row: string[]) => `│${row.map((cell, column) => ` ${cell.padEnd(widths[column]!)} `).join("│")}│`;
  return [rule("┌", "┬", "┐"), ...rows.flatMap((row, i) => (i === 0 ? [line(row)] : [rule("├", "┼", "┤"), line(row)])), rule("└", "┴", "┘")].join("\n");
}

const HEAD = "\n ⛅️ wrangler 4.164.0\n────────────────────\nResource location: local \n\nUse --remote if you want to access the remote instance.\n\n";
const NAMES = ["0000_init.sql", "0001_chat_cleanup_failures.sql", "0002_bookings_by_email.sql"];

/** What wrangler prints applying `names` to a fresh database: the pending table, then the whole table after each migration (up to one that fails). */
function freshRun(names: string[], failAt = -1): string {
  const steps = names.map((_, applied) => {
    const status = names.map((name, i) => [name, i < applied ? "✅" : i === applied ? (applied === failAt ? "❌" : "✅") : "🕒️"]);
    return `🌀 Executing on local database DB (00000000-0000-0000-0000-000000000000) from .wrangler/state/v3/d1:\n🚣 3 commands executed successfully.\n${table([["name", "status"], ...status])}\n`;
  });
  const run = failAt < 0 ? steps : steps.slice(0, failAt + 1);
  return `${HEAD}Migrations to be applied:\n${table([["name"], ...names.map((name) => [name])])}\n? About to apply ${names.length} migration(s)\n${run.join("")}`;
}

describe("the setup's migrations line", () => {
  it("says in one line what a run applied, where wrangler prints the table once per migration and once more", () => {
    const output = freshRun(NAMES);
    // The noise it replaces: the same table, one more time than there are migrations.
    expect(output.split("┌").length - 1).toBe(NAMES.length + 1);
    expect(migrationSummary(output)).toBe("D1 migrations: applied 3 (0000_init … 0002_bookings_by_email).");
    expect(migrationSummary(freshRun(NAMES.slice(0, 1)))).toBe("D1 migrations: applied 1 (0000_init).");
  });

  it("says a database that is up to date is", () => {
    expect(migrationSummary(`${HEAD}✅ No migrations to apply!\n`)).toBe("D1 migrations: up to date.");
  });

  it("gives no summary for a failed migration or an output it does not know, so the caller prints wrangler's own", () => {
    expect(migrationSummary(freshRun(NAMES, 1))).toBeNull();
    expect(migrationSummary(`${HEAD}something new\n`)).toBeNull();
    expect(migrationSummary("")).toBeNull();
  });
});
