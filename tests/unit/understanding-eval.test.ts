import { describe, expect, it } from "vitest";
import { drops, metrics, readMessage, report, type Scored } from "../../eval/understanding/score";

function item(id: string, expected: Scored["expected"], actual: Scored["actual"], category = "plain"): Scored {
  return { id, lang: "en", category, text: id, expected, actual };
}

describe("the understanding scorer", () => {
  it("counts a wrong value as both a false positive and a miss, and an extra one as a false positive", () => {
    const m = metrics([
      item("right", { intent: "search", slots: { subject: "Python" } }, { intent: "search", slots: { subject: "Python" } }),
      item("wrong", { intent: "search", slots: { subject: "Java" } }, { intent: "search", slots: { subject: "Python" } }),
      item("extra", { intent: "search", slots: {} }, { intent: "none", slots: { subject: "Python" } }),
    ]);
    expect(m.slots.subject).toEqual({ precision: 0.3333, recall: 0.5, f1: 0.4 });
    expect(m.intentAccuracy).toBe(0.6667);
    expect(m.jointGoalAccuracy).toBe(0.3333);
  });

  it("reports a drop in any number against the baseline, and none for an equal or better run", () => {
    const good = report([item("a", { intent: "search", slots: { time: "10:00" } }, { intent: "search", slots: { time: "10:00" } }, "time")]);
    const worse = report([item("a", { intent: "search", slots: { time: "10:00" } }, { intent: "search", slots: {} }, "time")]);
    expect(drops(good, worse)).toEqual(
      expect.arrayContaining(["overall.jointGoalAccuracy: 1 → 0", "byCategory.time.slots.time.f1: 1 → 0"]),
    );
    expect(drops(worse, good)).toEqual([]);
    expect(worse.misses).toEqual(["a"]);
  });

  it("reads a message into the eval's notation", async () => {
    expect(await readMessage("python monday at 10")).toEqual({ intent: "search", slots: { subject: "Python", date: "2026-11-23", time: "10:00" } });
    expect(await readMessage("calc")).toEqual({ intent: "search", slots: { subject: "Calculus I|Calculus II" } });
    expect(await readMessage("help with piano")).toEqual({ intent: "unknown_subject", slots: { subject: "!piano" } });
  });
});
