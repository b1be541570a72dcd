import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../lib/rate-limits";
import type { Result } from "../../lib/errors";
import type { SidecarApi } from "../../lib/sidecar-api";
import { QUICK } from "../../lib/tutoring/commands";
import { FakeAuthenticator } from "../fakes/authenticator";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { createInvite, enrolled, newEmail, SITE } from "./staff-helpers";

/**
 * Every write path has a limit (lib/rate-limits.ts, LIMITS): each is allowed exactly its number,
 * the next is a 429 result with a wait, and what was refused changed nothing. Limits by address
 * key an IPv6 client by its /64 and an IPv4 client by its address.
 */

const sidecar = exports.default as unknown as SidecarApi;

// The clock stands still (the sidecar's objects share this isolate): a bucket refills with time,
// and a test of "exactly its number" must not depend on how fast the machine runs it.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now());
});
afterAll(() => vi.useRealTimers());

/** Calls `call` until it is refused for going too fast; how many went through before (at most `max`). */
async function allowedBeforeRefusal(call: (i: number) => Promise<Result<unknown>>, code: string, max = 400): Promise<number> {
  for (let i = 0; i < max; i++) {
    const result = await call(i);
    if (!result.ok && result.error.code.startsWith("rate_limited")) {
      expect(result.error).toMatchObject({ code, retryAfterSeconds: expect.any(Number) });
      expect(result.error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      return i;
    }
  }
  return max;
}

/** A fresh address in 198.51.100.0/24 (TEST-NET-2), so no two tests share a limit. */
const newIp = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
/** A fresh /64 in 2001:db8::/32 (documentation), as `prefix:host`. */
const newPrefix = () => `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;

const PREFERENCES = { changeEmails: true, reminders: true, reminderHoursOff: [] };

describe("the limit table at its boundaries, in the RateLimiter", () => {
  const limiterRules = Object.entries(LIMITS).filter(([, rule]) => "where" in rule && rule.where === "RateLimiter");

  it("holds every limit keyed by owner, member or address that no object of the caller's keeps", () => {
    expect(limiterRules.map(([name]) => name).sort()).toEqual(
      [
        "bookingChangesPerIp", "bookingChangesPerOwner", "chatTrashPerOwner", "chatsPerIp", "chatsPerOwner", "exportsPerOwner", "forgetMePerOwner", "memoryEditsPerOwner",
        "notificationReadsPerOwner", "preferencesPerOwner", "socketTicketsPerOwner", "staffAdminActionsPerMember", "staffChallengesPerIp", "staffChangesPerMember",
        "signInLinksPerEmail", "signInLinksPerIp", "signInsPerIp", "staffInvitesPerMember", "staffSignInsPerIp", "waitlistJoinsPerIp", "waitlistJoinsPerOwner", "writesPerIp",
      ].sort(),
    );
  });

  it("allows each rule exactly its number at one instant, refuses the next with a wait, and a bucket refills after that wait", async () => {
    const now = Date.now();
    for (const [name, rule] of limiterRules) {
      const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${name}:boundary-${crypto.randomUUID()}`));
      const take = async (at: number) => unwrapOk(await limiter.take(name as never, at));
      const n = rule.kind === "bucket" ? rule.capacity : rule.kind === "window" ? rule.limit : 0;
      for (let i = 0; i < n; i++) expect((await take(now)).allowed, `${name} #${i + 1}`).toBe(true);
      const refused = await take(now);
      expect(refused, name).toMatchObject({ allowed: false, retryAfterMs: expect.any(Number) });
      const wait = (refused as { retryAfterMs: number }).retryAfterMs;
      expect(wait, name).toBeGreaterThan(0);
      if (rule.kind === "bucket") expect((await take(now + wait)).allowed, `${name} after ${wait} ms`).toBe(true);
    }
  });
});

describe("addresses", () => {
  beforeAll(seedCatalog);

  it("keys an IPv6 client by its /64: every address in it shares one budget, another /64 has its own", async () => {
    const prefix = newPrefix();
    const allowed = await allowedBeforeRefusal(
      // A new owner each time: a script minting cookies, rotating through its /64.
      (i) => sidecar.setNotificationPreferences(newOwnerId(), PREFERENCES, { ip: `${prefix}:${(i + 1).toString(16)}:0:0:${(i * 7).toString(16)}` }),
      "rate_limited:address",
    );
    expect(allowed).toBe(LIMITS.writesPerIp.capacity);
    unwrapOk(await sidecar.setNotificationPreferences(newOwnerId(), PREFERENCES, { ip: `${newPrefix()}::1` }));
  });

  it("keys new chats by the /64 too", async () => {
    const prefix = newPrefix();
    const allowed = await allowedBeforeRefusal(
      (i) => sidecar.sendMessage(newSessionId(), newOwnerId(), { content: "hi" }, { ip: `${prefix}::${(i + 1).toString(16)}` }),
      "rate_limited:chats",
    );
    expect(allowed).toBe(LIMITS.chatsPerIp.limit);
  });

  it("keys an IPv4 client by its address: a neighbour in the same /24 has its own budget, an IPv4-mapped form is the same address", async () => {
    const ip = newIp();
    const [a, b, c] = ip.split(".").map(Number) as [number, number, number, number];
    const allowed = await allowedBeforeRefusal((i) => sidecar.setNotificationPreferences(newOwnerId(), PREFERENCES, { ip: i % 2 ? `::ffff:${ip}` : ip }), "rate_limited:address");
    expect(allowed).toBe(LIMITS.writesPerIp.capacity);
    const neighbour = `${a}.${b}.${c}.${(Number(ip.split(".")[3]) % 250) + 2}`;
    unwrapOk(await sidecar.setNotificationPreferences(newOwnerId(), PREFERENCES, { ip: neighbour }));
  });
});

describe("the chat's own writes", () => {
  beforeAll(seedCatalog);

  it("answers PATCH past its limit with a 429 result and a wait, and writes nothing for the refused", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "I need help with Python on Monday at 10" }));
    const stub = chatSession(sessionId);
    const outcomes: string[] = [];
    let writesAtRefusal: number | null = null;
    for (let i = 0; i < 300; i++) {
      // A field the server takes as sent (a skill must be one a tutor teaches).
      const result = await sidecar.patchState(sessionId, ownerId, { searchCriteria: { excludeTutorIds: [`tutor-${i}`] } });
      outcomes.push(result.ok ? "ok" : result.error.code);
      if (!result.ok && writesAtRefusal === null) writesAtRefusal = (await stub.rowCounts()).writes;
    }
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(LIMITS.patchesPerChat.capacity);
    expect(outcomes.slice(LIMITS.patchesPerChat.capacity).every((outcome) => outcome === "rate_limited:session")).toBe(true);
    expect((await stub.rowCounts()).writes).toBe(writesAtRefusal);
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(state.searchCriteria?.excludeTutorIds).toEqual([`tutor-${LIMITS.patchesPerChat.capacity - 1}`]);
  });

  it("limits votes per chat", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const sent = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "hello" }));
    const replyId = sent.replies[0]!.id;
    const allowed = await allowedBeforeRefusal((i) => sidecar.rateReply(sessionId, ownerId, replyId, i % 2 ? "up" : "down"), "rate_limited:votes");
    expect(allowed).toBe(LIMITS.votesPerChat.capacity);
  });

  it("limits chat and bell socket tickets per owner, together", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "hello" }));
    const allowed = await allowedBeforeRefusal(
      (i) => (i % 2 ? sidecar.notificationSocketTicket(ownerId) : sidecar.issueSocketTicket(sessionId, ownerId)),
      "rate_limited:sockets",
    );
    expect(allowed).toBe(LIMITS.socketTicketsPerOwner.capacity);
  });

  it("limits moving chats to and from the trash per owner", async () => {
    const ownerId = newOwnerId();
    const allowed = await allowedBeforeRefusal((i) => (i % 2 ? sidecar.restoreChat(newSessionId(), ownerId) : sidecar.deleteChat(newSessionId(), ownerId)), "rate_limited:chat_list");
    expect(allowed).toBe(LIMITS.chatTrashPerOwner.capacity);
  });

  it("limits waitlist joins per owner: past the limit a join is refused in words, nothing joined", async () => {
    // The slot to wait for is the assistant's record (a PATCH cannot set it): each of one owner's chats
    // reaches the review of the same slot, another student books it, and each chat is offered its waitlist.
    const say = async (sessionId: string, ownerId: string, content: string) => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
    const toReview = async (ownerId: string, name: string) => {
      const sessionId = newSessionId();
      for (const content of ["I need help with Python on Monday at 10", QUICK.book, "yes", `${name}, ${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`]) {
        await say(sessionId, ownerId, content);
      }
      expect((await say(sessionId, ownerId, "Online. Recursion and list comprehensions")).bookingInfo?.step).toBe("review");
      return sessionId;
    };
    const ownerId = newOwnerId();
    const chats: string[] = [];
    for (let i = 0; i <= LIMITS.waitlistJoinsPerOwner.limit; i++) chats.push(await toReview(ownerId, "Ada"));
    const holder = newOwnerId();
    const held = await toReview(holder, "Grace");
    expect((await say(held, holder, QUICK.confirm)).bookingInfo?.step).toBe("confirmed");
    const replies: string[] = [];
    for (const sessionId of chats) {
      expect((await say(sessionId, ownerId, QUICK.confirm)).messages.at(-1)?.quickReplies).toContain(QUICK.joinWaitlist);
      replies.push((await say(sessionId, ownerId, QUICK.joinWaitlist)).messages.at(-1)!.content);
    }
    expect(replies.slice(0, -1).every((reply) => /You're on the waitlist/.test(reply))).toBe(true);
    expect(replies.at(-1)).toMatch(/^Nothing changed: .*waitlist/i);
  });
});

describe("the student's other writes", () => {
  it("limits memory corrections and deletes per owner", async () => {
    const ownerId = newOwnerId();
    const allowed = await allowedBeforeRefusal(
      (i) => (i % 2 ? sidecar.memoryCorrect(ownerId, "fact-0000000000000000", "Ada") : sidecar.memoryForget(ownerId, "fact-0000000000000000")),
      "rate_limited:memory",
    );
    expect(allowed).toBe(LIMITS.memoryEditsPerOwner.capacity);
  });

  it("limits forget-me per owner", async () => {
    const ownerId = newOwnerId();
    expect(await allowedBeforeRefusal(() => sidecar.forgetMe(ownerId), "rate_limited:memory")).toBe(LIMITS.forgetMePerOwner.limit);
  });

  it("limits saving email preferences per owner, both routes together", async () => {
    const ownerId = newOwnerId();
    const allowed = await allowedBeforeRefusal(
      (i) => (i % 2 ? sidecar.setReminderPreference(ownerId, { remindersOff: i % 4 === 1 }) : sidecar.setNotificationPreferences(ownerId, PREFERENCES)),
      "rate_limited:preferences",
    );
    expect(allowed).toBe(LIMITS.preferencesPerOwner.capacity);
  });

  it("limits marking notifications read per owner", async () => {
    const ownerId = newOwnerId();
    expect(await allowedBeforeRefusal(() => sidecar.markNotificationsRead(ownerId, { all: true }), "rate_limited:notifications")).toBe(LIMITS.notificationReadsPerOwner.capacity);
  });

  it("limits cancels from My bookings per owner and per address", async () => {
    const cancel = (ownerId: string, ip?: string) => sidecar.cancelBooking(ownerId, `bk-${crypto.randomUUID().replaceAll("-", "")}`, ip ? { ip } : undefined);
    const ownerId = newOwnerId();
    expect(await allowedBeforeRefusal(() => cancel(ownerId), "rate_limited:bookings")).toBe(LIMITS.bookingChangesPerOwner.limit);
    const ip = newIp();
    expect(await allowedBeforeRefusal(() => cancel(newOwnerId(), ip), "rate_limited:bookings")).toBe(LIMITS.bookingChangesPerIp.limit);
  });
});

describe("staff", () => {
  it("limits invites per admin, invite options and registrations per address, and changes per member", async () => {
    const admin = await enrolled(await FakeAuthenticator.create(), "admin");
    const invites = await allowedBeforeRefusal(() => sidecar.staffInvite(admin.session.token, { email: newEmail(), role: "staff" }), "rate_limited:staff");
    expect(invites).toBe(LIMITS.staffInvitesPerMember.limit);

    const ip = newIp();
    const token = await createInvite(newEmail(), "staff");
    expect(await allowedBeforeRefusal(() => sidecar.staffInviteOptions(token, SITE, { ip }), "rate_limited:staff_sign_in")).toBe(LIMITS.staffChallengesPerIp.limit);
    const registerIp = newIp();
    const registrations = await allowedBeforeRefusal(() => sidecar.staffRegister(token, "no-such-challenge", {}, SITE, { ip: registerIp }), "rate_limited:staff_sign_in");
    expect(registrations).toBe(LIMITS.staffSignInsPerIp.limit);

    const staff = await enrolled(await FakeAuthenticator.create(), "staff");
    const notes = await allowedBeforeRefusal(
      () => sidecar.staffScheduleNote(staff.session.token, { bookingId: `bk-${"0".repeat(32)}`, note: "x" }),
      "rate_limited:staff",
    );
    expect(notes).toBe(LIMITS.staffChangesPerMember.capacity);
  });
});
