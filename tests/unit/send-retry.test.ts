import { describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { SEND_RETRY, backoffDelay, retryTransient } from "../../lib/send-retry";

/** A clock the retry loop sleeps on: sleeping moves it, nothing waits for real. */
function testClock() {
  let time = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => time,
    sleep: async (ms: number) => {
      waits.push(ms);
      time += ms;
    },
  };
}

const unavailable = () => new AppError("persistence_unavailable:sidecar", "down");

describe("retrying a send", () => {
  it("re-sends through an outage and returns the first accepted answer", async () => {
    const clock = testClock();
    let attempts = 0;
    const result = await retryTransient(
      async () => {
        attempts += 1;
        if (clock.now() < 80_000) throw unavailable(); // the sidecar is back after 80 s
        return "accepted";
      },
      { ...clock, random: () => 1 },
    );
    expect(result).toBe("accepted");
    expect(clock.now()).toBeGreaterThanOrEqual(80_000);
    // Never more than one capped delay late, and not many more attempts than the schedule needs.
    expect(clock.now()).toBeLessThan(80_000 + SEND_RETRY.maxDelayMs + 1);
    expect(attempts).toBeLessThan(25);
    expect(clock.waits.slice(0, 5)).toEqual([500, 1_000, 2_000, 4_000, 5_000]);
  });

  it("jitters each delay between half and all of the backoff", async () => {
    for (const random of [0, 0.5, 1]) {
      const clock = testClock();
      let attempts = 0;
      await retryTransient(
        async () => {
          if (++attempts < 3) throw unavailable();
        },
        { ...clock, random: () => random },
      );
      expect(clock.waits).toEqual([backoffDelay(1), backoffDelay(2)].map((delay) => Math.round(delay * (0.5 + random / 2))));
    }
  });

  it("gives up with the last error once the budget is spent", async () => {
    const clock = testClock();
    const error = unavailable();
    await expect(retryTransient(() => Promise.reject(error), { ...clock, budgetMs: 10_000, random: () => 1 })).rejects.toBe(error);
    expect(clock.now()).toBeLessThanOrEqual(10_000);
  });

  it("does not repeat an answer: a refusal or a limit reaches the caller at once", async () => {
    for (const refusal of [new AppError("rate_limited:messages", "slow down"), new AppError("bad_request:body", "bad"), new Error("bug")]) {
      const clock = testClock();
      let attempts = 0;
      await expect(
        retryTransient(() => {
          attempts += 1;
          return Promise.reject(refusal);
        }, clock),
      ).rejects.toBe(refusal);
      expect(attempts).toBe(1);
      expect(clock.waits).toEqual([]);
    }
  });

  it("tells the page before each wait, so it can say it is reconnecting", async () => {
    const clock = testClock();
    const told: number[] = [];
    let attempts = 0;
    await retryTransient(
      async () => {
        if (++attempts < 4) throw unavailable();
      },
      { ...clock, onRetry: (attempt) => told.push(attempt) },
    );
    expect(told).toEqual([1, 2, 3]);
  });
});
