import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { RateLimiter } from "../../durable-objects/rate-limiter";
import { LIMITS } from "../../lib/rate-limits";
import { UPCOMING_COUNT } from "../../services/db/bookable";
import type { ChatState } from "../../lib/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";

const sidecar = exports.default as unknown as SidecarApi;

async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

describe("rate limits", () => {
  beforeAll(seedCatalog);

  it("refuses a chat's messages past its burst with a 429 and a wait, stores nothing, and still answers retries", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const first = crypto.randomUUID();
    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { id: first, content: "hello" }));
    for (let i = 1; i < LIMITS.messagesPerChat.capacity; i++) unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: `quick ${i}` }));
    const before = unwrapOk(await sidecar.getState(sessionId, ownerId));

    const refused = await sidecar.sendMessage(sessionId, ownerId, { content: "one too many" });
    expect(refused).toMatchObject({ ok: false, error: { code: "rate_limited:messages", retryAfterSeconds: expect.any(Number) } });
    const after = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(after.lastSeq).toBe(before.lastSeq);
    // A retry of a stored message costs nothing and answers as before.
    expect(unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { id: first, content: "hello" })).message.id).toBe(first);
  });

  it("lets an owner start only so many chats an hour", async () => {
    const ownerId = newOwnerId();
    for (let i = 0; i < LIMITS.chatsPerOwner.limit; i++) await say(newSessionId(), ownerId, `chat ${i}`);
    const refused = await sidecar.sendMessage(newSessionId(), ownerId, { content: "and another" });
    expect(refused).toMatchObject({ ok: false, error: { code: "rate_limited:chats" } });
    expect(unwrapOk(await sidecar.listChats(ownerId, false))).toHaveLength(LIMITS.chatsPerOwner.limit);
    // Another owner is not affected.
    await say(newSessionId(), newOwnerId(), "hello");
  });

  it("counts new chats per client address across owners", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    for (let i = 0; i < LIMITS.chatsPerIp.limit; i++) unwrapOk(await sidecar.sendMessage(newSessionId(), newOwnerId(), { content: "hi" }, { ip }));
    expect(await sidecar.sendMessage(newSessionId(), newOwnerId(), { content: "hi" }, { ip })).toMatchObject({ ok: false, error: { code: "rate_limited:chats" } });
    unwrapOk(await sidecar.sendMessage(newSessionId(), newOwnerId(), { content: "hi" }, { ip: "198.51.100.250" }));
    // Loopback is a local dev server's every request: it keys no limit.
    for (let i = 0; i <= LIMITS.chatsPerIp.limit; i++) unwrapOk(await sidecar.sendMessage(newSessionId(), newOwnerId(), { content: "hi" }, { ip: "127.0.0.1" }));
  });

  it("keeps its window across an eviction without a row written per decision", async () => {
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`chatsPerOwner:${newOwnerId()}`));
    const now = Date.now();
    expect(unwrapOk(await limiter.take("chatsPerOwner", now)).allowed).toBe(true);
    const afterFirst = (await limiter.rowCounts()).writes; // the schema, once
    for (let i = 1; i < 10; i++) expect(unwrapOk(await limiter.take("chatsPerOwner", now + i)).allowed).toBe(true);
    // Decisions from memory: the window waits for its flush alarm.
    expect((await limiter.rowCounts()).writes).toBe(afterFirst);
    await runInDurableObject(limiter, (instance: RateLimiter) => instance.flush());
    await evictDurableObject(limiter);
    const allowed = [];
    for (let i = 0; i < LIMITS.chatsPerOwner.limit; i++) allowed.push(unwrapOk(await limiter.take("chatsPerOwner", now + 100 + i)).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(LIMITS.chatsPerOwner.limit - 10);
  });

  it("lets one student hold only so many upcoming sessions, however many chats they use", async () => {
    const ownerId = newOwnerId();
    const requests = [
      "Python on Monday at 10", "Statistics on Tuesday at 2pm", "Python on Wednesday at 10", "Java on Thursday at 3pm",
      "Python on Monday at 10", "Python on Tuesday at 4pm",
    ];
    const outcomes: string[] = [];
    for (const request of requests) {
      const sessionId = newSessionId();
      let state: ChatState | null = null;
      for (const content of [`I need help with ${request}`, "Book this tutor", "yes", "Ada Lovelace, ada@example.com", "Online. Homework", "Confirm booking"]) {
        state = await say(sessionId, ownerId, content);
      }
      outcomes.push(state!.bookingInfo?.step === "confirmed" ? "booked" : state!.messages.at(-1)!.content);
    }
    expect(outcomes.slice(0, LIMITS.activeBookings.limit), JSON.stringify(outcomes)).toEqual(Array(LIMITS.activeBookings.limit).fill("booked"));
    expect(outcomes.at(-1)).toMatch(/upcoming sessions, the most one student can hold/);
    const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE owner_id = ? AND status = 'confirmed'").bind(ownerId).all<{ n: number }>();
    expect(results[0]!.n).toBe(LIMITS.activeBookings.limit);
  });

  it("counts a student's upcoming bookings with a search of an index on each side, not a scan", async () => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${UPCOMING_COUNT("?1", "?2", "?3")}`)
      .bind("2026-11-23", newOwnerId(), "ada@example.com")
      .all<{ detail: string }>();
    const plan = results.map((row) => row.detail).join("\n");
    expect(plan).toMatch(/SEARCH bookings USING INDEX bookings_by_owner \(owner_id=\?\)/);
    expect(plan).toMatch(/SEARCH bookings USING INDEX bookings_by_email \(student_email=\? AND date>\?\)/);
    expect(plan).not.toMatch(/SCAN bookings/);
  });
});
