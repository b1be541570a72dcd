import type { Tutor } from "../tutoring/schemas";
import { subjectKey } from "../tutoring/subject-key";

/**
 * The statements that load a tutor catalog into D1: new tutors are inserted,
 * and a seeded tutor nobody on staff has touched (`updated_at` still null) is
 * brought up to date with the list, subjects and availability replaced. A
 * tutor staff edited or retired in the console (`updated_at` set) is theirs:
 * `npm run setup` (which seeds on every run) leaves it exactly as staff left
 * it. Used by `scripts/seed-catalog.mjs` for the local database and by tests.
 */
export interface SeedStatement {
  sql: string;
  params: (string | number)[];
}

/** Only a seeded tutor that no staff edit has claimed. */
const UNTOUCHED = "EXISTS (SELECT 1 FROM tutors WHERE id = ? AND updated_at IS NULL)";

export function catalogSeedStatements(tutors: Tutor[]): SeedStatement[] {
  const statements: SeedStatement[] = [];
  for (const tutor of tutors) {
    statements.push(
      {
        sql: `INSERT INTO tutors (id, name, bio, mode) VALUES (?, ?, ?, ?)
              ON CONFLICT (id) DO UPDATE SET name = excluded.name, bio = excluded.bio, mode = excluded.mode WHERE tutors.updated_at IS NULL`,
        params: [tutor.id, tutor.name, tutor.bio, tutor.mode],
      },
      { sql: `DELETE FROM tutor_subjects WHERE tutor_id = ? AND ${UNTOUCHED}`, params: [tutor.id, tutor.id] },
      { sql: `DELETE FROM tutor_availability WHERE tutor_id = ? AND ${UNTOUCHED}`, params: [tutor.id, tutor.id] },
    );
    for (const subject of new Set(tutor.subjects)) {
      statements.push({
        sql: `INSERT OR IGNORE INTO tutor_subjects (tutor_id, subject, subject_key) SELECT ?, ?, ? WHERE ${UNTOUCHED}`,
        params: [tutor.id, subject, subjectKey(subject), tutor.id],
      });
    }
    for (const slot of tutor.availability) {
      statements.push({
        sql: `INSERT OR IGNORE INTO tutor_availability (tutor_id, day, start, end) SELECT ?, ?, ?, ? WHERE ${UNTOUCHED}`,
        params: [tutor.id, slot.day, slot.start, slot.end, tutor.id],
      });
    }
  }
  return statements;
}

/** Renders statements as a SQL file for `wrangler d1 execute --file` (our own seed data, quoted). */
export function renderSeedSql(statements: SeedStatement[]): string {
  const literal = (value: string | number) => (typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`);
  return statements
    .map(({ sql, params }) => {
      let index = 0;
      return `${sql.replace(/\?/g, () => literal(params[index++]!)).replace(/\s+/g, " ")};`;
    })
    .join("\n");
}
