import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { emptyCounts, type Counter, type Counts } from "../../lib/analytics/events";
import { DEFAULT_TIME_ZONE, zonedToEpoch } from "../../lib/calendar";
import { FIRST_CENTER } from "../../lib/center/ids";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { FakeAuthenticator } from "../fakes/authenticator";
import { createFakeMailApi } from "../fakes/mail-api";
import { flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { centerWithMainsCatalog } from "./center-helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * The same scripted day at two centers of one deployment, at a fixed Wednesday morning: at each, one
 * student books and is cancelled by the center, one chats, one leaves a message that the center's staff
 * answer. Each center's analytics (read by its own staff) equal what its own students and staff did,
 * exactly: a count sent to the wrong center's object, or to both, fails both comparisons.
 */

const DAY = "2031-01-08"; // a Wednesday
const MATH = "math";

type Student = { name: string; email: string; ownerId: string; sessionId: string };

/** One center's day, counted as it happens. */
class CenterDay {
  readonly counts: Counts = emptyCounts();
  readonly chats = new Set<string>();

  constructor(readonly center: string) {}

  student(name: string): Student {
    return { name, email: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`, ownerId: newOwnerId(this.center), sessionId: newSessionId() };
  }

  count(counter: Counter) {
    this.counts[counter] += 1;
  }

  async say(one: Student, content: string): Promise<ChatState> {
    if (!this.chats.has(one.sessionId)) {
      this.chats.add(one.sessionId);
      this.count("chat_started");
    }
    this.count("message");
    return unwrapOk(await sidecar.sendMessage(one.sessionId, one.ownerId, { content })).state;
  }

  /** Python on Monday at 10, through the review, confirmed. */
  async book(one: Student): Promise<{ bookingId: string; tutorId: string }> {
    await this.say(one, "I need help with Python on Monday at 10");
    await this.say(one, QUICK.book);
    await this.say(one, "yes");
    await this.say(one, `${one.name} Lovelace, ${one.email}`);
    expect((await this.say(one, "Online. Recursion")).bookingInfo?.step).toBe("review");
    const state = await this.say(one, QUICK.confirm);
    expect(state.bookingInfo?.step).toBe("confirmed");
    this.count("booking_made");
    return { bookingId: state.bookingInfo!.bookingId!, tutorId: state.bookingInfo!.tutorId! };
  }

  /** The whole day; answers the center's staff session. */
  async run(): Promise<string> {
    const [a, b, c] = [this.student("Ada"), this.student("Bea"), this.student("Cal")];
    await verifiedAddresses(a.email, b.email, c.email);
    const booked = await this.book(a);
    // A center's booking is made with its own tutor (math's copies are `m`-prefixed).
    expect(booked.tutorId.startsWith("m")).toBe(this.center === MATH);

    await this.say(b, "hello");
    await this.say(b, "thanks");

    await this.say(c, QUICK.leaveMessage);
    await this.say(c, `Is there parking? ${crypto.randomUUID()}`);
    expect((await this.say(c, QUICK.yes)).messages.at(-1)?.content).toMatch(/^Sent: /);
    this.count("handoff");

    const { session } = await enrolled(await FakeAuthenticator.create(), "staff", undefined, this.center);
    const waiting = unwrapOk(await sidecar.staffInbox(session.token)).messages;
    // The center's inbox holds its own student's message and nobody else's.
    expect(waiting.map((message) => message.sessionId)).toEqual([c.sessionId]);
    const claimed = unwrapOk(await sidecar.staffClaim(session.token, waiting[0]!.messageId));
    unwrapOk(await sidecar.staffReply(session.token, { messageId: waiting[0]!.messageId, leaseId: claimed.lease.leaseId, reply: "Yes, behind the library." }));
    this.count("staff_first_reply");

    unwrapOk(await sidecar.staffScheduleCancel(session.token, { bookingId: booked.bookingId, reason: "Tutor is ill" }));
    this.count("booking_cancelled");
    return session.token;
  }
}

beforeAll(async () => {
  await seedCatalog();
  await centerWithMainsCatalog(MATH);
});

beforeEach(() => {
  vi.stubGlobal("fetch", createFakeMailApi().fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(zonedToEpoch(DAY, "09:00", DEFAULT_TIME_ZONE));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a day at two centers of one deployment", () => {
  it("gives each center's analytics exactly what its own students and staff did", async () => {
    const days = [new CenterDay(FIRST_CENTER), new CenterDay(MATH)];
    const tokens: string[] = [];
    for (const day of days) tokens.push(await day.run());
    await flushChatAnalytics(...days.flatMap((day) => [...day.chats]));

    const query = { from: DAY, to: DAY, granularity: "day" as const };
    for (const [index, day] of days.entries()) {
      await vi.waitFor(async () => expect(unwrapOk(await sidecar.staffAnalytics(tokens[index]!, query)).totals, day.center).toEqual(day.counts), { timeout: 10_000 });
    }
    // Both days did the same, so each center's counts are the one day's: not double, not the other's.
    expect(days[0]!.counts).toEqual(days[1]!.counts);
  });
});
