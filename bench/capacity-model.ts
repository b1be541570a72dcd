/**
 * The capacity arithmetic of `npm run bench` (printed by bench/capacity.mjs): for every shared resource
 * on each user action (each D1 database, each object that more than one chat reaches), how many calls
 * the action makes on it and how many of those actions per second it takes at Cloudflare's documented
 * throughput; then the same for a month's peak hour. Shared resources come in two kinds: D1, one
 * database for every center, and the per-center objects (one instance per center, services/objects.ts
 * `centerObjectName`). An action's ceiling per center is the lowest over its per-center objects alone:
 * how far one center goes, limited by nothing it shares with another center; D1's ceiling is stated
 * apart, since every center's actions add up on it.
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
 * What one instance of each Durable Object class stands for (services/objects.ts picks every instance).
 * "center": one per center, reached by all of its chats; the rest are one per chat, owner (a student's
 * own chats only), booking, slot, or limit key (an owner, a member or one client address), so one
 * student's or one booking's pace bounds them, and the capacity table leaves them out.
 */
export const OBJECT_SCOPE = {
  ChatSession: "chat",
  Center: "center",
  MessageQueue: "center",
  Analytics: "center",
  SessionManager: "booking",
  MailOutbox: "booking",
  Waitlist: "slot",
  StudentMemory: "owner",
  Notifications: "owner",
  RateLimiter: "key",
} as const;

export type ObjectClass = keyof typeof OBJECT_SCOPE;

/** The shared objects: one instance per center (services/objects.ts names them with `centerObjectName`). */
export const PER_CENTER_OBJECTS = (Object.keys(OBJECT_SCOPE) as ObjectClass[]).filter((cls) => OBJECT_SCOPE[cls] === "center");

export const D1_RESOURCE = "D1 (one database, every center)";

export const perCenterResource = (cls: string) => `${cls} (one per center)`;

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
  /** "all centers": D1, every center's actions add up on it; "one center": that center's own object. */
  sharedBy: "all centers" | "one center";
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
  /** D1's use (null: no statement); its ceiling is shared by every center's actions. */
  d1: ResourceUse | null;
  /** The per-center object with the lowest ceiling (null: the action calls none). */
  perCenter: ResourceUse | null;
  /** The action's ceiling per center, limited by nothing shared with another center: perCenter's ceiling, ∞ without one. */
  ceilingPerCenter: number;
}

const objectLimit = (writes: boolean) => (writes ? LIMITS.objectWritingCallsPerSecond : LIMITS.objectCallsPerSecond);

/** Counts without the per-class rows: the class's calls, and writes assumed (unknown, so the conservative side). */
function tallyFromCalls(calls: Record<string, number> | undefined, cls: string): ClassTally | undefined {
  const n = Object.entries(calls ?? {}).reduce((sum, [name, count]) => (name.startsWith(`${cls}.`) ? sum + count : sum), 0);
  return n > 0 ? { calls: n, rowsRead: Number.NaN, rowsWritten: Number.POSITIVE_INFINITY } : undefined;
}

/** The shared resources one action uses, D1 first, then each per-center object it called. */
export function resourceUses(units: ActionUnits): ResourceUse[] {
  const uses: ResourceUse[] = [];
  if (units.d1Queries > 0) {
    const limit = LIMITS.d1QueriesPerSecond;
    uses.push({ resource: D1_RESOURCE, sharedBy: "all centers", calls: units.d1Queries, writes: units.d1RowsWritten > 0, limitPerSecond: limit, ceilingPerSecond: limit / units.d1Queries });
  }
  for (const cls of PER_CENTER_OBJECTS) {
    const tally = units.byClass ? units.byClass[cls] : tallyFromCalls(units.calls, cls);
    if (!tally || tally.calls <= 0) continue;
    // Per class and action, not per call: if any call wrote, every call counts as writing (the conservative side).
    const writes = tally.rowsWritten > 0;
    const limit = objectLimit(writes);
    uses.push({ resource: perCenterResource(cls), sharedBy: "one center", calls: tally.calls, writes, limitPerSecond: limit, ceilingPerSecond: limit / tally.calls });
  }
  return uses;
}

const lowest = (uses: ResourceUse[]) => uses.reduce<ResourceUse | null>((low, use) => (low === null || use.ceilingPerSecond < low.ceilingPerSecond ? use : low), null);

export function actionCapacity(action: string, units: ActionUnits): ActionCapacity {
  const uses = resourceUses(units);
  const perCenter = lowest(uses.filter((use) => use.sharedBy === "one center"));
  return {
    action,
    uses,
    bindsFirst: lowest(uses),
    d1: uses.find((use) => use.sharedBy === "all centers") ?? null,
    perCenter,
    ceilingPerCenter: perCenter?.ceilingPerSecond ?? Number.POSITIVE_INFINITY,
  };
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
  sharedBy: ResourceUse["sharedBy"];
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
  const byResource = new Map<string, { sharedBy: ResourceUse["sharedBy"]; callsPerSecond: number; writes: boolean; scaled: number; fixed: number }>();
  for (const event of events) {
    const rate = peakRate(event, shape);
    for (const use of resourceUses(event.units)) {
      const entry = byResource.get(use.resource) ?? { sharedBy: use.sharedBy, callsPerSecond: 0, writes: false, scaled: 0, fixed: 0 };
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
    sharedBy: e.sharedBy,
    callsPerSecond: e.callsPerSecond,
    writes: e.writes,
    utilisation: e.scaled + e.fixed,
    maxStudents: e.scaled > 0 ? Math.max(0, (shape.students * (1 - e.fixed)) / e.scaled) : Number.POSITIVE_INFINITY,
  }));
  const bindsFirst = uses.reduce<PeakUse | null>((low, use) => (low === null || use.maxStudents < low.maxStudents ? use : low), null);
  return { rates: events.map((event) => ({ name: event.name, perSecond: peakRate(event, shape) })), uses, bindsFirst };
}

/**
 * The plain exchange's rule (no search: "help", "thanks", "hello"), which the bench asserts on every
 * sample (bench/e2e-plain.mjs): D1 statements 0 while its chat's object is awake, at most 1 when it was
 * woken, and no call on an object another center's chats reach. It may call its chat, its owner's
 * objects (memory, bell, limit buckets keyed by the owner or one client address) and its own center's
 * Center; any other object (a center's queue or counts, a booking's, a slot's, an unknown class) breaks it.
 */
export const PLAIN_D1_AT_MOST = { awake: 0, woken: 1 } as const;

export function plainMayCall(cls: string): boolean {
  const scope = (OBJECT_SCOPE as Record<string, string>)[cls];
  return scope === "chat" || scope === "owner" || scope === "key" || cls === "Center";
}

/** One measured sample of a plain exchange, as bench/e2e-units.mjs counts a step. */
export interface PlainSample {
  name: string;
  d1Queries: number;
  d1Uncounted?: number;
  byClass?: Record<string, ClassTally>;
  /** D1 statements by "origin: SQL", to name what ran. */
  d1Sql?: Record<string, number>;
}

/** Where the samples break the rule, one line each; [] when they keep it. */
export function plainExchangeProblems(which: keyof typeof PLAIN_D1_AT_MOST, samples: PlainSample[]): string[] {
  const problems: string[] = [];
  if (samples.length === 0) problems.push(`no plain exchange (${which}) was measured`);
  for (const s of samples) {
    if (s.d1Queries > PLAIN_D1_AT_MOST[which]) {
      const sql = Object.entries(s.d1Sql ?? {}).map(([statement, n]) => (n === 1 ? statement : `${statement} ×${n}`));
      problems.push(`${s.name}: ${s.d1Queries} D1 statements (${which}: at most ${PLAIN_D1_AT_MOST[which]})${sql.length ? `: ${sql.join("; ")}` : ""}`);
    }
    for (const [cls, tally] of Object.entries(s.byClass ?? {})) {
      if (tally.calls > 0 && !plainMayCall(cls)) {
        problems.push(`${s.name}: called ${cls} (one per ${(OBJECT_SCOPE as Record<string, string>)[cls] ?? "unknown"}), not its chat's, its owner's or its Center`);
      }
    }
    if ((s.d1Uncounted ?? 0) > 0) problems.push(`${s.name}: ${s.d1Uncounted} D1 calls the bench could not count`);
  }
  return problems;
}
