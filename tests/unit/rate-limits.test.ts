import { describe, expect, it } from "vitest";
import { takeFromBucket, takeFromWindow, type BucketState, type WindowState } from "../../lib/rate-limits";

const HOUR = 60 * 60_000;

describe("sliding window", () => {
  const rule = { kind: "window", limit: 3, windowMs: HOUR } as const;

  it("allows exactly `limit` in a window, then says when the next fits", () => {
    let state: WindowState | null = null;
    const start = 10 * HOUR; // the start of a fixed window
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      const taken = takeFromWindow(rule, state, start + i);
      decisions.push(taken.decision);
      state = taken.state;
    }
    expect(decisions.slice(0, 3).every((decision) => decision.allowed)).toBe(true);
    expect(decisions[3]).toMatchObject({ allowed: false });
    const wait = (decisions[3] as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(HOUR);
    // Once the window has slid past them, there is room again.
    expect(takeFromWindow(rule, state, start + 2 * HOUR).decision.allowed).toBe(true);
  });

  it("weighs the previous window by its overlap, so a burst at a boundary cannot double the limit", () => {
    let state: WindowState | null = null;
    const boundary = 20 * HOUR;
    for (let i = 0; i < 3; i++) state = takeFromWindow(rule, state, boundary - 1 - i).state;
    // Just past the boundary, the previous window still counts almost fully.
    expect(takeFromWindow(rule, state, boundary + 1).decision.allowed).toBe(false);
    // Two thirds of the way into the new window, one of the three old requests has slid out.
    expect(takeFromWindow(rule, state, boundary + (2 * HOUR) / 3 + 1_000).decision.allowed).toBe(true);
  });
});

describe("token bucket", () => {
  const rule = { kind: "bucket", capacity: 2, refillEveryMs: 1_000 } as const;

  it("allows a burst of `capacity`, then one per refill, and says how long to wait", () => {
    let state: BucketState | null = null;
    const at = (now: number) => {
      const taken = takeFromBucket(rule, state, now);
      state = taken.state;
      return taken.decision;
    };
    expect(at(0).allowed).toBe(true);
    expect(at(0).allowed).toBe(true);
    expect(at(0)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect(at(500)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(at(1_000).allowed).toBe(true);
    // A clock that steps back refills nothing and does not drain the bucket below zero.
    expect(at(100)).toMatchObject({ allowed: false });
    expect(at(2_000).allowed).toBe(true);
  });
});

describe("client addresses", () => {
  it("keys an IPv6 address by its /64, whatever its spelling, and an IPv4 address by itself", async () => {
    const { clientAddress } = await import("../../lib/rate-limits");
    const sameNetwork = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2:a:b:192.0.2.1"];
    expect(new Set(sameNetwork.map(clientAddress)).size).toBe(1);
    expect(clientAddress("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:db8:1:3::1")).not.toBe(clientAddress("2001:db8:1:2::1"));
    expect(clientAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddress("203.0.113.8")).toBe("203.0.113.8");
    // An IPv4 client seen through an IPv6 socket is the same client.
    expect(clientAddress("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("keys nothing by an address it cannot read, or by loopback (a local dev server's every request)", async () => {
    const { clientAddress } = await import("../../lib/rate-limits");
    for (const ip of [undefined, "", "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "not-an-ip", "1.2.3", "1.2.3.4.5", "300.1.1.1", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::1", "2001:db8::1%eth0"]) {
      expect(clientAddress(ip), String(ip)).toBeNull();
    }
  });
});

describe("the limit table", async () => {
  const { LIMITS, refusal } = await import("../../lib/rate-limits");
  const { AppError } = await import("../../lib/errors");

  for (const [name, rule] of Object.entries(LIMITS)) {
    if (rule.kind === "bucket") {
      it(`${name}: allows ${rule.capacity} at once, refuses the next with a wait, and one more after that wait`, () => {
        let state: BucketState | null = null;
        const now = 1_000_000;
        for (let i = 0; i < rule.capacity; i++) {
          const taken = takeFromBucket(rule, state, now);
          expect(taken.decision.allowed).toBe(true);
          state = taken.state;
        }
        const refused = takeFromBucket(rule, state, now);
        expect(refused.decision).toEqual({ allowed: false, retryAfterMs: rule.refillEveryMs });
        expect(takeFromBucket(rule, refused.state, now + rule.refillEveryMs).decision.allowed).toBe(true);
      });
    }
    if (rule.kind === "window") {
      it(`${name}: allows ${rule.limit} in its window, refuses the next with a wait within the window`, () => {
        let state: WindowState | null = null;
        const now = 7 * rule.windowMs + 1;
        for (let i = 0; i < rule.limit; i++) {
          const taken = takeFromWindow(rule, state, now);
          expect(taken.decision.allowed).toBe(true);
          state = taken.state;
        }
        const refused = takeFromWindow(rule, state, now).decision;
        expect(refused.allowed).toBe(false);
        const wait = (refused as { retryAfterMs: number }).retryAfterMs;
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(rule.windowMs);
      });
    }
  }

  it("names for every rule the key it counts by, where it is kept, and what the student or member is told", () => {
    for (const [name, rule] of Object.entries(LIMITS)) {
      expect(rule, name).toMatchObject({ key: expect.any(String), where: expect.any(String) });
      if (rule.kind !== "count") expect(rule, name).toMatchObject({ code: expect.stringMatching(/^rate_limited:/), message: expect.stringMatching(/\S/) });
    }
  });

  it("keeps in a RateLimiter's memory only buckets that refill within a minute (an idle object is evicted later than that)", () => {
    for (const [name, rule] of Object.entries(LIMITS)) {
      if (rule.kind === "bucket" && rule.where === "RateLimiter") expect(rule.capacity * rule.refillEveryMs, name).toBeLessThanOrEqual(60_000);
    }
  });

  it("answers a refusal as a 429 with Retry-After in seconds and the rule's message", async () => {
    const refused = refusal("patchesPerChat", 2_500);
    expect(refused.ok).toBe(false);
    const response = AppError.fromWire((refused as Extract<typeof refused, { ok: false }>).error).toResponse();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/wait/i), retryAfterSeconds: 3 } });
  });

  it("are all listed in the rate limits page's table", async () => {
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync("docs/limits.md", "utf8");
    const section = doc.slice(doc.indexOf("## Every limit"), doc.indexOf("\n## ", doc.indexOf("## Every limit") + 1));
    for (const name of Object.keys(LIMITS)) expect(section, name).toContain(`\`${name}\``);
  });
});
