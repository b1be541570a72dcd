/**
 * The one door to a Durable Object's SQLite database. Every statement goes
 * through here so that the rows it read and wrote (the units Cloudflare bills)
 * are counted, and every value is bound, never spliced into the SQL text.
 */

export type SqlValue = string | number | null | ArrayBuffer;

export interface RowCounts {
  reads: number;
  writes: number;
}

/** A statement failed; carries the SQL (never the values) for the log. */
export class SqlError extends Error {
  constructor(
    readonly query: string,
    cause: unknown,
  ) {
    super(`SQL failed: ${query.replace(/\s+/g, " ").trim()}`, { cause });
    this.name = "SqlError";
  }
}

interface Statement {
  text: string;
  values: SqlValue[];
}

/** Builds a statement from a template literal: each `${value}` becomes a bound `?`. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Statement {
  return { text: strings.join("?"), values };
}

export class CountingSql {
  private totals: RowCounts = { reads: 0, writes: 0 };

  constructor(private readonly storage: SqlStorage) {}

  /** Runs a statement and returns every row. */
  all<Row extends Record<string, SqlStorageValue>>(statement: Statement): Row[] {
    let cursor: SqlStorageCursor<Row>;
    try {
      cursor = this.storage.exec<Row>(statement.text, ...statement.values);
    } catch (error) {
      throw new SqlError(statement.text, error);
    }
    const rows = cursor.toArray();
    this.totals.reads += cursor.rowsRead;
    this.totals.writes += cursor.rowsWritten;
    return rows;
  }

  /** Runs a statement and returns its first row, if any. */
  first<Row extends Record<string, SqlStorageValue>>(statement: Statement): Row | undefined {
    return this.all<Row>(statement)[0];
  }

  /** Runs a statement for its effect. */
  run(statement: Statement): void {
    this.all(statement);
  }

  /** Runs DDL written by us (no values). */
  exec(ddl: string): void {
    this.all({ text: ddl, values: [] });
  }

  /** Rows read and written since this object was constructed. */
  counts(): RowCounts {
    return { ...this.totals };
  }

  /** Runs `work` and reports the rows it alone read and wrote. */
  measure<T>(work: () => T): { result: T; rows: RowCounts } {
    const before = this.counts();
    const result = work();
    const after = this.counts();
    return { result, rows: { reads: after.reads - before.reads, writes: after.writes - before.writes } };
  }
}

/**
 * Brings the schema up to `migrations.length`, one additive step at a time,
 * gated on a stored version so a wake-up never re-runs DDL. A part of an
 * object's storage made apart from the rest (e.g. its used socket tickets)
 * keeps its own version in a table of its own (`versionTable`, a constant).
 */
export function migrate(db: CountingSql, migrations: readonly string[], versionTable: "_schema" | `_schema_${string}` = "_schema"): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
  const current = db.first<{ version: number }>({ text: `SELECT version FROM ${versionTable} WHERE id = 1`, values: [] })?.version ?? 0;
  for (let version = current; version < migrations.length; version++) {
    db.exec(migrations[version]!);
  }
  if (current < migrations.length) {
    db.run({
      text: `INSERT INTO ${versionTable} (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
      values: [migrations.length],
    });
  }
}
