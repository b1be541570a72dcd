/**
 * The capacity arithmetic of `npm run bench` (printed by bench/capacity.mjs): for every resource the
 * whole deployment shares, how many calls one user action makes on it, and how many of those actions
 * per second it takes at Cloudflare's documented throughput; then the same for a month's peak hour.
 * Pure: measured units in, numbers out. The counts come from the end-to-end section of the same run.
 */

/** Documented throughput of one resource, each with the page that states it (read December 2026). */
export const LIMITS = {
  /**
   * D1: "Each individual D1 database is inherently single-threaded, and processes queries one at a
   * time." ... "If your average query takes 1 ms, you can run approximately 1,000 queries per second."
   */
  d1QueriesPerSecond: 1_000,
  /**
   * One Durable Object: "approximately 500-1,000 requests per second for simple operations"; the
   * conservative end, for a call that writes nothing.
   */
  objectCallsPerSecond: 500,
  /** One Durable Object: "Complex operations (transformation, storage writes): ~200-500 req/sec"; the conservative end. */
  objectWritingCallsPerSecond: 200,
  sources: {
    d1: "https://developers.cloudflare.com/d1/platform/limits/ (FAQ: Concurrency and throughput)",
    durableObjects:
      "https://developers.cloudflare.com/durable-objects/best-practices/rules-of-durable-objects/ (Message throughput limits); " +
      "https://developers.cloudflare.com/durable-objects/platform/limits/ (soft limit of 1,000 requests per second per object)",
  },
} as const;

/**
 * The Durable Object classes with one instance for the whole deployment (services/objects.ts names them
 * "global"). Every other object is one per chat, owner, booking, slot or rate-limit key.
 */
export const SHARED_OBJECTS = ["Analytics", "MessageQueue"] as const;

export const D1_RESOURCE = "D1 (the one database)";

/** One class's share of an action, as bench/e2e-units.mjs counts it. */
export interface ClassTally {
  calls: number;
  rowsRead: number;
  rowsWritten: number;
}

/** The measured units of one action that the shared resources see. */
export interface ActionUnits {
  d1Queries: number;
  d1RowsWritten: number;
  byClass?: Record<string, ClassTally>;
  /** Calls by "Class.method": read only when `byClass` is missing (a results.json from before it), writes then unknown. */
  calls?: Record<string, number>;
}

export interface ResourceUse {
  resource: string;
  /** Calls per action: D1 statements (each of a batch), or RPC calls + fetches + alarm runs on the object. */
  calls: number;
  writes: boolean;
  /** The documented calls per second that apply (the writing figure when the action's calls wrote). */
  limitPerSecond: number;
  /** limitPerSecond ÷ calls: this action alone, repeated, would saturate the resource at this rate. */
  ceilingPerSecond: number;
}

export interface ActionCapacity {
  action: string;
  uses: ResourceUse[];
  /** The resource with the lowest ceiling (null: the action touches nothing shared). */
  bindsFirst: ResourceUse | null;
}

const objectLimit = (writes: boolean) => (writes ? LIMITS.objectWritingCallsPerSecond : LIMITS.objectCallsPerSecond);

/** Counts without the per-class rows: the class's calls, and writes assumed (unknown, so the conservative side). */
function tallyFromCalls(calls: Record<string, number> | undefined, cls: string): ClassTally | undefined {
  const n = Object.entries(calls ?? {}).reduce((sum, [name, count]) => (name.startsWith(`${cls}.`) ? sum + count : sum), 0);
  return n > 0 ? { calls: n, rowsRead: Number.NaN, rowsWritten: Number.POSITIVE_INFINITY } : undefined;
}

/** The shared resources one action uses, D1 first, then each shared object it called. */
export function resourceUses(units: ActionUnits): ResourceUse[] {
  const uses: ResourceUse[] = [];
  if (units.d1Queries > 0) {
    const limit = LIMITS.d1QueriesPerSecond;
    uses.push({ resource: D1_RESOURCE, calls: units.d1Queries, writes: units.d1RowsWritten > 0, limitPerSecond: limit, ceilingPerSecond: limit / units.d1Queries });
  }
  for (const cls of SHARED_OBJECTS) {
    const tally = units.byClass ? units.byClass[cls] : tallyFromCalls(units.calls, cls);
    if (!tally || tally.calls <= 0) continue;
    // Per class and action, not per call: if any call wrote, every call counts as writing (the conservative side).
    const writes = tally.rowsWritten > 0;
    const limit = objectLimit(writes);
    uses.push({ resource: `${cls} "global"`, calls: tally.calls, writes, limitPerSecond: limit, ceilingPerSecond: limit / tally.calls });
  }
  return uses;
}

export function actionCapacity(action: string, units: ActionUnits): ActionCapacity {
  const uses = resourceUses(units);
  const bindsFirst = uses.reduce<ResourceUse | null>((low, use) => (low === null || use.ceilingPerSecond < low.ceilingPerSecond ? use : low), null);
  return { action, uses, bindsFirst };
}

/** A month's event (bench/cost-model.mjs `monthlyEvents`): how often it happens and its measured units. */
export interface MonthEvent {
  name: string;
  count: number;
  units: ActionUnits;
  /** Runs at a steady rate all day and does not grow with students (the external bot's idle poll). */
  perDeployment?: boolean;
}

export interface PeakShape {
  students: number;
  days: number;
  /** Every student's day falls inside this one window (the peak). */
  peakWindowSeconds: number;
}

export interface PeakUse {
  resource: string;
  /** Calls per second on the resource at the peak. */
  callsPerSecond: number;
  writes: boolean;
  /** Σ rate × calls ÷ the limit that applies to each event: the share of the resource's documented throughput in use. */
  utilisation: number;
  /** How many students of the same habits the resource takes before it saturates (the per-deployment load stays as is). */
  maxStudents: number;
}

export interface PeakCapacity {
  /** Events per second at the peak, by event. */
  rates: { name: string; perSecond: number }[];
  uses: PeakUse[];
  bindsFirst: PeakUse | null;
}

/** Rate of one event at the peak: the day's events inside the peak window, or spread over the day. */
export function peakRate(event: MonthEvent, shape: PeakShape): number {
  const perDay = event.count / shape.days;
  return perDay / (event.perDeployment ? 86_400 : shape.peakWindowSeconds);
}

/** The month's events at their peak rate, summed per shared resource. */
export function peakCapacity(events: MonthEvent[], shape: PeakShape): PeakCapacity {
  const byResource = new Map<string, { callsPerSecond: number; writes: boolean; scaled: number; fixed: number }>();
  for (const event of events) {
    const rate = peakRate(event, shape);
    for (const use of resourceUses(event.units)) {
      const entry = byResource.get(use.resource) ?? { callsPerSecond: 0, writes: false, scaled: 0, fixed: 0 };
      entry.callsPerSecond += rate * use.calls;
      entry.writes ||= use.writes;
      const share = (rate * use.calls) / use.limitPerSecond;
      if (event.perDeployment) entry.fixed += share;
      else entry.scaled += share;
      byResource.set(use.resource, entry);
    }
  }
  const uses = [...byResource].map(([resource, e]) => ({
    resource,
    callsPerSecond: e.callsPerSecond,
    writes: e.writes,
    utilisation: e.scaled + e.fixed,
    maxStudents: e.scaled > 0 ? Math.max(0, (shape.students * (1 - e.fixed)) / e.scaled) : Number.POSITIVE_INFINITY,
  }));
  const bindsFirst = uses.reduce<PeakUse | null>((low, use) => (low === null || use.maxStudents < low.maxStudents ? use : low), null);
  return { rates: events.map((event) => ({ name: event.name, perSecond: peakRate(event, shape) })), uses, bindsFirst };
}
