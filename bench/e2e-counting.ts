import type { RowCounts } from "../durable-objects/sql";

/**
 * Counting for the end-to-end benchmark (bench/e2e-sidecar.ts). Nothing here
 * changes what the product code does: the real classes get an `env` whose
 * Durable Object namespaces hand out counting stubs and whose D1 binding
 * counts `meta.rows_read` / `meta.rows_written`, and every Durable Object
 * instance registers itself so its own `rowCounts()` (the CountingSql totals
 * the product keeps anyway) can be summed.
 *
 * The counters live in module scope. Under `wrangler dev` the entrypoint and
 * every Durable Object of this worker run in one isolate, so they all add to
 * the same counters; `/bench/verify` checks that by asking each object for its
 * rowCounts() over RPC and comparing with what the registry holds.
 */

export type DoClass = "ChatSession" | "MessageQueue" | "SessionManager" | "RateLimiter" | "Analytics" | "StudentMemory" | "Waitlist" | "Notifications" | "Center";
/** Who issued a D1 statement: the sidecar's entrypoint or one of the Durable Objects. */
export type Origin = "entrypoint" | DoClass;

interface D1Tally {
  queries: number;
  rowsRead: number;
  rowsWritten: number;
}

const emptyD1 = (): D1Tally => ({ queries: 0, rowsRead: 0, rowsWritten: 0 });

const state = {
  /** When false the wrappers pass straight through (the latency runs), and count nothing. */
  counting: true,
  /** Durable Object calls made through a stub, by class and method ("fetch" for HTTP/upgrades). */
  doCalls: {} as Record<string, Record<string, number>>,
  /** Wall time the callers waited on those calls, by class (an upper bound of the objects' active time). */
  doCallMs: {} as Record<string, number>,
  d1: {} as Partial<Record<Origin, D1Tally>>,
  /** D1 statements by origin and SQL ("ChatSession: select … from chats …"): which statements an action ran. */
  d1Sql: {} as Record<string, number>,
  /** D1 calls whose rows could not be counted (exec, withSession): must stay 0 for the numbers to be complete. */
  d1Uncounted: 0,
  /** setAlarm / deleteAlarm calls (each billed as a row written) and alarm() runs (each a billed request), by class. */
  alarmWrites: {} as Record<string, number>,
  alarmRuns: {} as Record<string, number>,
  /** WebSocket frames that reached an object's webSocketMessage() (auto-answered pings never do). */
  wsHandled: 0,
  wsClosed: 0,
  /** Calls into the sidecar's entrypoint: RPC methods (through /bench/call) and fetches (socket upgrades). */
  sidecarRpc: {} as Record<string, number>,
  sidecarFetch: 0,
  /** Whether ctx.storage alarm methods could be wrapped (false would leave alarm writes uncounted). */
  alarmPatchFailed: 0,
};

interface Registered {
  cls: DoClass;
  id: string;
  instance: number;
  rows: () => RowCounts;
}

/** Every Durable Object instance created in this isolate, oldest first (a re-created object is a new entry). */
const registry: Registered[] = [];
let instances = 0;

/**
 * Counted Durable Object calls still running. A call nobody awaits (the
 * entrypoint's `Analytics.record`, kept alive by `ctx.waitUntil`) may finish
 * after the RPC answered; the driver's snapshot waits for these first, so its
 * rows land in the step that caused them, not in the next one.
 */
const inFlight = new Set<Promise<unknown>>();

/** Waits until no counted call is running (at most `timeoutMs`); answers how many were still running then. */
export async function settled(timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (inFlight.size > 0 && Date.now() < deadline) {
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
  }
  return inFlight.size;
}

const bump = (table: Record<string, number>, key: string, by = 1) => {
  table[key] = (table[key] ?? 0) + by;
};

export function setCounting(on: boolean): void {
  state.counting = on;
}

export function countSidecarRpc(method: string): void {
  if (state.counting) bump(state.sidecarRpc, method);
}

export function countSidecarFetch(): void {
  if (state.counting) state.sidecarFetch++;
}

export function countWsHandled(): void {
  if (state.counting) state.wsHandled++;
}

export function countWsClosed(): void {
  if (state.counting) state.wsClosed++;
}

export function countAlarmRun(cls: DoClass): void {
  if (state.counting) bump(state.alarmRuns, cls);
}

/**
 * Registers a new Durable Object instance and wraps its alarm writes. Called
 * from the bench subclasses' constructors, after the real constructor ran.
 */
export function track(cls: DoClass, ctx: DurableObjectState, rows: () => RowCounts): void {
  registry.push({ cls, id: ctx.id.toString(), instance: ++instances, rows });
  const storage = ctx.storage;
  for (const name of ["setAlarm", "deleteAlarm"] as const) {
    const original = storage[name] as (...args: unknown[]) => unknown;
    try {
      Object.defineProperty(storage, name, {
        configurable: true,
        writable: true,
        value: (...args: unknown[]) => {
          if (state.counting) bump(state.alarmWrites, cls);
          return Reflect.apply(original, storage, args);
        },
      });
    } catch {
      state.alarmPatchFailed++;
    }
  }
}

/** The newest instance of each object id, with its rowCounts(): what /bench/verify compares over RPC. */
export function liveObjects(): { cls: DoClass; id: string; rows: RowCounts }[] {
  const newest = new Map<string, Registered>();
  for (const entry of registry) newest.set(`${entry.cls}:${entry.id}`, entry);
  return [...newest.values()].map((entry) => ({ cls: entry.cls, id: entry.id, rows: entry.rows() }));
}

/** Everything counted so far, as plain JSON; the driver subtracts two snapshots. */
export function snapshot() {
  const doRows: Record<string, RowCounts> = {};
  const objects: Record<string, number> = {};
  for (const entry of registry) {
    const rows = entry.rows();
    const total = (doRows[entry.cls] ??= { reads: 0, writes: 0 });
    total.reads += rows.reads;
    total.writes += rows.writes;
    bump(objects, entry.cls);
  }
  return {
    counting: state.counting,
    doRows,
    doInstances: objects,
    doCalls: structuredClone(state.doCalls),
    doCallMs: { ...state.doCallMs },
    d1: structuredClone(state.d1),
    d1Sql: { ...state.d1Sql },
    d1Uncounted: state.d1Uncounted,
    alarmWrites: { ...state.alarmWrites },
    alarmRuns: { ...state.alarmRuns },
    wsHandled: state.wsHandled,
    wsClosed: state.wsClosed,
    sidecarRpc: { ...state.sidecarRpc },
    sidecarFetch: state.sidecarFetch,
    alarmPatchFailed: state.alarmPatchFailed,
  };
}

// ---- Durable Object stubs ---------------------------------------------------------

type AnyFunction = (...args: unknown[]) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** A stub whose every method call and fetch counts one Durable Object call (the billed unit: one RPC session or request). */
function countingStub<S extends object>(stub: S, cls: DoClass): S {
  return new Proxy(stub, {
    get(target, prop) {
      // Not RPC: the id and name, symbols (dispose), and `then` (a stub is not a promise).
      if (typeof prop === "symbol" || prop === "id" || prop === "name") return Reflect.get(target, prop, target);
      if (prop === "then") return undefined;
      // RPC methods are callable RPC properties: `member.apply` would itself be an RPC call, hence Reflect.apply.
      const member: unknown = Reflect.get(target, prop, target);
      if (typeof member !== "function") return member;
      return (...args: unknown[]) => {
        if (!state.counting) return Reflect.apply(member as AnyFunction, target, args);
        bump((state.doCalls[cls] ??= {}), prop);
        const started = performance.now();
        const result: unknown = Reflect.apply(member as AnyFunction, target, args);
        if (isThenable(result)) {
          const running = Promise.resolve(result).then(
            () => undefined,
            () => undefined,
          );
          inFlight.add(running);
          const done = () => {
            bump(state.doCallMs, cls, performance.now() - started);
            inFlight.delete(running);
          };
          void running.then(done);
        }
        return result;
      };
    },
  });
}

/** A namespace whose get()/getByName() stubs count their calls; everything else passes through. */
function countingNamespace<N extends object>(namespace: N, cls: DoClass): N {
  return new Proxy(namespace, {
    get(target, prop) {
      const member: unknown = Reflect.get(target, prop, target);
      if (typeof member !== "function") return member;
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => countingStub(Reflect.apply(member as AnyFunction, target, args) as object, cls);
      }
      if (prop === "jurisdiction") return (...args: unknown[]) => countingNamespace(Reflect.apply(member as AnyFunction, target, args) as object, cls);
      return (member as AnyFunction).bind(target);
    },
  });
}

// ---- D1 -------------------------------------------------------------------------------

/** The statement's text on one line, cut short: enough to tell statements apart in a breakdown. */
const sqlKey = (origin: Origin, sql: string) => `${origin}: ${sql.replace(/\s+/g, " ").trim().slice(0, 120)}`;

function addD1(origin: Origin, sql: string, meta: { rows_read?: number; rows_written?: number } | undefined): void {
  bump(state.d1Sql, sqlKey(origin, sql));
  const tally = (state.d1[origin] ??= emptyD1());
  tally.queries++;
  tally.rowsRead += meta?.rows_read ?? 0;
  tally.rowsWritten += meta?.rows_written ?? 0;
}

const READ_ONLY = /^\s*select\b/i;

/**
 * A prepared statement that adds each result's `meta.rows_read` /
 * `meta.rows_written` to the counters. `first()` and `raw()` drop `meta`, so
 * while counting they are served from `all()`, which runs the same statement
 * (D1's own `first()` runs the whole statement and takes row 0). A SELECT's
 * `raw()` values then come from a second, uncounted `raw()` run (column order
 * and duplicate names stay exact); a write's from the counted `all()` (running
 * it twice would write twice), in column order.
 */
class CountingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly sql: string,
    private readonly origin: Origin,
  ) {}

  get sqlText(): string {
    return this.sql;
  }

  bind(...values: unknown[]): CountingStatement {
    return new CountingStatement(this.inner.bind(...values), this.sql, this.origin);
  }

  async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    const result = await this.inner.run<T>();
    if (state.counting) addD1(this.origin, this.sql, result.meta);
    return result;
  }

  async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    const result = await this.inner.all<T>();
    if (state.counting) addD1(this.origin, this.sql, result.meta);
    return result;
  }

  async first<T = unknown>(column?: string): Promise<T | null> {
    if (!state.counting) return column === undefined ? this.inner.first<T>() : this.inner.first<T>(column);
    const { results } = await this.all<Record<string, unknown>>();
    const row = results[0];
    if (!row) return null;
    if (column === undefined) return row as T;
    if (row[column] === undefined) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
    return row[column] as T;
  }

  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const passThrough = () => (options?.columnNames ? this.inner.raw<T>({ columnNames: true }) : this.inner.raw<T>()) as Promise<T[]>;
    if (!state.counting) return passThrough();
    const { results } = await this.all<Record<string, unknown>>();
    if (READ_ONLY.test(this.sql)) return passThrough();
    const rows = results.map((row) => Object.values(row));
    const header = options?.columnNames && results[0] ? [Object.keys(results[0])] : [];
    return [...header, ...rows] as T[];
  }
}

function countingD1(db: D1Database, origin: Origin): D1Database {
  const wrapper = {
    prepare: (sql: string) => new CountingStatement(db.prepare(sql), sql, origin),
    batch: async (statements: (CountingStatement | D1PreparedStatement)[]) => {
      const inner = statements.map((statement) => (statement instanceof CountingStatement ? statement.inner : statement));
      const results = await db.batch(inner);
      const sqlOf = (i: number) => {
        const statement = statements[i];
        return statement instanceof CountingStatement ? statement.sqlText : "(a statement prepared outside the counting binding)";
      };
      if (state.counting) for (const [i, result] of results.entries()) addD1(origin, sqlOf(i), result.meta);
      return results;
    },
    exec: (query: string) => {
      if (state.counting) state.d1Uncounted++;
      return db.exec(query);
    },
    withSession: (...args: Parameters<D1Database["withSession"]>) => {
      if (state.counting) state.d1Uncounted++;
      return db.withSession(...args);
    },
    dump: () => db.dump(),
  };
  return wrapper as unknown as D1Database;
}

// ---- env ------------------------------------------------------------------------------

const NAMESPACES: Record<string, DoClass> = {
  CHAT_SESSION: "ChatSession",
  MESSAGE_QUEUE: "MessageQueue",
  SESSION_MANAGER: "SessionManager",
  RATE_LIMITER: "RateLimiter",
  ANALYTICS: "Analytics",
  STUDENT_MEMORY: "StudentMemory",
  WAITLIST: "Waitlist",
  NOTIFICATIONS: "Notifications",
  CENTER: "Center",
};

/** Same binding in, same wrapper out: code that caches per binding (services/db/catalog.ts's subject list) behaves as in production. */
const wrappedBindings = new WeakMap<object, Map<Origin, object>>();
const wrappedEnvs = new WeakMap<object, Map<Origin, Env>>();
let rawEnv: Env | null = null;

function wrapBinding<T extends object>(binding: T, origin: Origin, make: () => T): T {
  let byOrigin = wrappedBindings.get(binding);
  if (!byOrigin) wrappedBindings.set(binding, (byOrigin = new Map()));
  let wrapped = byOrigin.get(origin);
  if (!wrapped) byOrigin.set(origin, (wrapped = make()));
  return wrapped as T;
}

/**
 * A copy of `env` whose Durable Object namespaces and D1 binding count what
 * passes through them; every other binding and variable is the original.
 */
export function instrumentEnv(env: Env, origin: Origin): Env {
  rawEnv ??= env;
  let byOrigin = wrappedEnvs.get(env);
  if (!byOrigin) wrappedEnvs.set(env, (byOrigin = new Map()));
  const known = byOrigin.get(origin);
  if (known) return known;
  const copy: Record<string, unknown> = { ...env };
  for (const [name, cls] of Object.entries(NAMESPACES)) {
    const namespace = copy[name];
    if (typeof namespace === "object" && namespace !== null) copy[name] = wrapBinding(namespace, origin, () => countingNamespace(namespace, cls));
  }
  copy.DB = wrapBinding(env.DB, origin, () => countingD1(env.DB, origin));
  const wrapped = copy as unknown as Env;
  byOrigin.set(origin, wrapped);
  return wrapped;
}

/** The untouched env, for the bench's own calls (verify, evict) that must not count. */
export function uncountedEnv(): Env {
  if (!rawEnv) throw new Error("no env seen yet");
  return rawEnv;
}
