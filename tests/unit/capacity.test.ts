import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  D1_RESOURCE,
  LIMITS,
  OBJECT_SCOPE,
  PER_CENTER_OBJECTS,
  actionCapacity,
  peakCapacity,
  perCenterResource,
  plainExchangeProblems,
  type MonthEvent,
} from "../../bench/capacity-model";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** An exchange as the bench counts it: D1 statements, the chat's own object, and one call on its center's Analytics. */
const exchange = {
  d1Queries: 8,
  d1RowsWritten: 0,
  byClass: {
    ChatSession: { calls: 1, rowsRead: 20, rowsWritten: 4 },
    Analytics: { calls: 1, rowsRead: 1, rowsWritten: 1 },
  },
};

describe("the capacity of one action", () => {
  it("divides each shared resource's documented limit by the action's calls on it, and names the lowest", () => {
    const capacity = actionCapacity("exchange", exchange);
    expect(capacity.uses).toEqual([
      { resource: D1_RESOURCE, sharedBy: "all centers", calls: 8, writes: false, limitPerSecond: 1_000, ceilingPerSecond: 125 },
      { resource: perCenterResource("Analytics"), sharedBy: "one center", calls: 1, writes: true, limitPerSecond: 200, ceilingPerSecond: 200 },
    ]);
    expect(capacity.bindsFirst?.resource).toBe(D1_RESOURCE);
  });

  it("counts an object at its simple-request limit when the action's calls wrote nothing, and at the writing limit when they wrote", () => {
    const reading = actionCapacity("inbox", { d1Queries: 0, d1RowsWritten: 0, byClass: { MessageQueue: { calls: 2, rowsRead: 0, rowsWritten: 0 } } });
    expect(reading.uses[0]).toMatchObject({ writes: false, limitPerSecond: LIMITS.objectCallsPerSecond, ceilingPerSecond: 250 });
    const writing = actionCapacity("hand-off", { d1Queries: 0, d1RowsWritten: 0, byClass: { MessageQueue: { calls: 2, rowsRead: 2, rowsWritten: 1 } } });
    expect(writing.uses[0]).toMatchObject({ writes: true, limitPerSecond: LIMITS.objectWritingCallsPerSecond, ceilingPerSecond: 100 });
  });

  it("leaves out objects that are one per chat or owner: an action on them alone shares nothing", () => {
    const idle = actionCapacity("idle tab", { d1Queries: 0, d1RowsWritten: 0, byClass: { ChatSession: { calls: 3, rowsRead: 9, rowsWritten: 2 }, Notifications: { calls: 1, rowsRead: 1, rowsWritten: 0 } } });
    expect(idle.uses).toEqual([]);
    expect(idle.bindsFirst).toBeNull();
  });

  it("assumes writes when the counts carry calls but no per-class rows (a results.json from before them)", () => {
    const old = actionCapacity("exchange", { d1Queries: 0, d1RowsWritten: 0, calls: { "ChatSession.exchange": 1, "Analytics.record": 1 } });
    expect(old.uses).toEqual([{ resource: perCenterResource("Analytics"), sharedBy: "one center", calls: 1, writes: true, limitPerSecond: 200, ceilingPerSecond: 200 }]);
  });
});

describe("a month at its peak", () => {
  const shape = { students: 1_000, days: 30, peakWindowSeconds: 7_200 };

  it("puts each day's events inside the peak window and sums each resource's share of its limit", () => {
    // 720,000 exchanges a month = 24,000 a day = 3.33/s inside 2 hours; 8 statements each = 26.7 statements/s.
    const events: MonthEvent[] = [{ name: "exchange", count: 720_000, units: exchange }];
    const peak = peakCapacity(events, shape);
    const d1 = peak.uses.find((use) => use.resource === D1_RESOURCE);
    expect(d1?.callsPerSecond).toBeCloseTo(26.667, 3);
    expect(d1?.utilisation).toBeCloseTo(0.026667, 6);
    expect(d1?.maxStudents).toBeCloseTo(37_500, 6);
    const analytics = peak.uses.find((use) => use.resource === perCenterResource("Analytics"));
    expect(analytics?.maxStudents).toBeCloseTo(60_000, 6);
    expect(peak.bindsFirst?.resource).toBe(D1_RESOURCE);
  });

  it("spreads a per-deployment event over the whole day and does not grow it with students", () => {
    const poll = { d1Queries: 0, d1RowsWritten: 0, byClass: { MessageQueue: { calls: 1, rowsRead: 0, rowsWritten: 0 } } };
    const handoff = { d1Queries: 0, d1RowsWritten: 0, byClass: { MessageQueue: { calls: 1, rowsRead: 2, rowsWritten: 4 } } };
    const events: MonthEvent[] = [
      // One poll a second, all day: 1 call/s of 500 = 0.2% whatever the students.
      { name: "bot idle poll", count: 30 * 86_400, units: poll, perDeployment: true },
      // 2 hand-offs/s inside the window: 2 writing calls/s of 200 = 1%.
      { name: "hand-off", count: 2 * 7_200 * 30, units: handoff },
    ];
    const [queue] = peakCapacity(events, shape).uses;
    expect(queue?.callsPerSecond).toBeCloseTo(3, 9);
    expect(queue?.utilisation).toBeCloseTo(0.012, 9);
    expect(queue?.maxStudents).toBeCloseTo((1_000 * (1 - 0.002)) / 0.01, 6);
  });
});

describe("a plain exchange (no search)", () => {
  const chat = { calls: 1, rowsRead: 12, rowsWritten: 3 };

  it("awake, with no D1 statement and no call past its own chat, uses no shared resource: no ceiling", () => {
    const awake = actionCapacity("plain, awake", { d1Queries: 0, d1RowsWritten: 0, byClass: { ChatSession: chat, RateLimiter: { calls: 1, rowsRead: 1, rowsWritten: 1 } } });
    expect(awake).toMatchObject({ uses: [], bindsFirst: null, d1: null, perCenter: null, ceilingPerCenter: Number.POSITIVE_INFINITY });
  });

  it("woken, with one Center call that writes nothing, is limited per center by the Center at its simple-request limit", () => {
    const woken = actionCapacity("plain, woken", { d1Queries: 0, d1RowsWritten: 0, byClass: { ChatSession: chat, Center: { calls: 1, rowsRead: 2, rowsWritten: 0 } } });
    expect(woken.uses).toEqual([{ resource: perCenterResource("Center"), sharedBy: "one center", calls: 1, writes: false, limitPerSecond: 500, ceilingPerSecond: 500 }]);
    expect(woken.ceilingPerCenter).toBe(500);
    expect(woken.d1).toBeNull();
  });

  it("keeps D1, shared by every center, apart from the ceiling per center", () => {
    const mixed = actionCapacity("woken, one statement", { d1Queries: 4, d1RowsWritten: 0, byClass: { ChatSession: chat, Center: { calls: 1, rowsRead: 2, rowsWritten: 0 } } });
    expect(mixed.d1).toMatchObject({ sharedBy: "all centers", ceilingPerSecond: 250 });
    expect(mixed.perCenter).toMatchObject({ resource: perCenterResource("Center"), ceilingPerSecond: 500 });
    expect(mixed.ceilingPerCenter).toBe(500);
    expect(mixed.bindsFirst?.resource).toBe(D1_RESOURCE);
  });
});

describe("the plain exchange's rule (the bench fails the run when it breaks)", () => {
  const chat = { calls: 1, rowsRead: 12, rowsWritten: 3 };

  it("holds for 0 statements awake and 1 woken, calling only the chat, the owner's objects and the Center", () => {
    expect(plainExchangeProblems("awake", [{ name: "help", d1Queries: 0, byClass: { ChatSession: chat, RateLimiter: chat, StudentMemory: chat } }])).toEqual([]);
    expect(plainExchangeProblems("woken", [{ name: "thanks", d1Queries: 1, byClass: { ChatSession: chat, Center: { calls: 1, rowsRead: 1, rowsWritten: 0 } } }])).toEqual([]);
  });

  it("breaks on a D1 statement awake, naming the statements, and on a second one woken", () => {
    const awake = plainExchangeProblems("awake", [{ name: "help", d1Queries: 1, d1Sql: { "ChatSession: select memory_version from owners": 1 }, byClass: { ChatSession: chat } }]);
    expect(awake).toEqual(["help: 1 D1 statements (awake: at most 0): ChatSession: select memory_version from owners"]);
    expect(plainExchangeProblems("woken", [{ name: "thanks", d1Queries: 2, byClass: { ChatSession: chat } }])).toHaveLength(1);
  });

  it("breaks on a call to any other object: a center's queue or counts, a booking's, an unknown class", () => {
    const problems = plainExchangeProblems("woken", [
      { name: "hello", d1Queries: 0, byClass: { ChatSession: chat, MessageQueue: chat, Analytics: chat, SessionManager: chat, Mystery: chat } },
    ]);
    expect(problems.map((problem) => problem.split(" ")[2])).toEqual(["MessageQueue", "Analytics", "SessionManager", "Mystery"]);
  });

  it("breaks when nothing was measured", () => {
    expect(plainExchangeProblems("awake", [])).toHaveLength(1);
  });
});

describe("the objects' scopes", () => {
  const objects = readFileSync(path.join(ROOT, "services/objects.ts"), "utf8");
  const wrangler = readFileSync(path.join(ROOT, "workers/wrangler.toml"), "utf8");
  const classOf = new Map([...wrangler.matchAll(/name = "([A-Z_]+)"\s*\nclass_name = "(\w+)"/g)].map(([, binding, cls]) => [binding, cls]));

  it("name every Durable Object class the sidecar binds", () => {
    expect(classOf.size).toBeGreaterThan(0);
    expect(Object.keys(OBJECT_SCOPE).sort()).toEqual([...new Set(classOf.values())].sort());
  });

  it("make per center exactly the classes services/objects.ts names with centerObjectName", () => {
    const perCenter = [...objects.matchAll(/env\.([A-Z_]+)\.idFromName\(centerObjectName\(/g)].map(([, binding]) => classOf.get(binding ?? ""));
    expect(perCenter.length).toBeGreaterThan(0);
    expect([...perCenter].sort()).toEqual([...PER_CENTER_OBJECTS].sort());
  });
});
