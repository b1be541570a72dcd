import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RETRY_DELAY_MS, SessionManager } from "../../durable-objects/session-manager";
import { createRoomBackend } from "../../lib/room-backend";
import { createFakeRoomBackend, type FakeRoomBackend } from "../fakes/room-backend";
import { unwrapOk } from "./helpers";

const OWNER = "owner-aaaaaaaaaaaaaaaa";
const HOUR = 60 * 60_000;

let fake: FakeRoomBackend;
let slot = 0;

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO tutors (id, name, bio, mode) VALUES ('t-001', 'Maya', 'bio', 'online')").run();
});

// The session manager calls the global fetch; the sidecar shares this isolate, so the fake answers every call.
beforeEach(() => {
  fake = createFakeRoomBackend();
  vi.stubGlobal("fetch", fake.fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** A confirmed booking in D1 with its own slot (one confirmed booking per tutor slot is enforced). */
async function newBooking(): Promise<string> {
  const id = `booking-${crypto.randomUUID()}`;
  const start = `${String(Math.floor(slot / 60)).padStart(2, "0")}:${String(slot % 60).padStart(2, "0")}`;
  slot++;
  await env.DB.prepare(
    `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, status, created_at, updated_at)
     VALUES (?, 'session-1', ?, 't-001', '2026-11-23', ?, '23:59', 'Ada', 'ada@example.com', 'online', 'confirmed', 1, 1)`,
  )
    .bind(id, OWNER, start)
    .run();
  return id;
}

function manager(bookingId: string) {
  return env.SESSION_MANAGER.get(env.SESSION_MANAGER.idFromName(bookingId));
}

async function bookingStatus(bookingId: string) {
  return (await env.DB.prepare("SELECT status FROM bookings WHERE id = ?").bind(bookingId).first<{ status: string }>())?.status;
}

async function scheduled(bookingId: string, endsAt = Date.now() + HOUR) {
  const stub = manager(bookingId);
  unwrapOk(await stub.schedule({ bookingId, ownerId: OWNER, endsAt, roomId: "room-1" }));
  return stub;
}

async function alarmAt(stub: ReturnType<typeof manager>) {
  return runInDurableObject(stub, (_instance: SessionManager, state) => state.storage.getAlarm());
}

/** Runs the alarm and checks it rescheduled itself RETRY_DELAY_MS after the run. */
async function runAndExpectRetry(stub: ReturnType<typeof manager>) {
  const before = Date.now();
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  const after = Date.now();
  const next = await alarmAt(stub);
  expect(next).not.toBeNull();
  expect(next!).toBeGreaterThanOrEqual(before + RETRY_DELAY_MS);
  expect(next!).toBeLessThanOrEqual(after + RETRY_DELAY_MS);
}

async function expectErased(stub: ReturnType<typeof manager>) {
  expect(await stub.status()).toBeNull();
  await runInDurableObject(stub, async (_instance: SessionManager, state) => {
    expect(await state.storage.getAlarm()).toBeNull();
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((row) => row.name)
      .filter((name) => !name.startsWith("_cf_")); // the runtime's own tables
    expect(tables).toEqual([]);
  });
}

describe("SessionManager", () => {
  it("closes the room and ends the booking when the alarm fires, then erases itself", async () => {
    const bookingId = await newBooking();
    const endsAt = Date.now() + HOUR;
    const stub = await scheduled(bookingId, endsAt);
    expect(await alarmAt(stub)).toBe(endsAt);

    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const auth = `Bearer ${env.BACKEND_API_TOKEN}`;
    expect(fake.calls).toMatchObject([
      { method: "DELETE", path: "/api/v1/expose/", body: { lab_request_id: bookingId }, authorization: auth, outcome: 200 },
      { method: "POST", path: "/api/v1/labs/delete", body: { lab_request_id: bookingId, user_id: OWNER }, authorization: auth, outcome: 202 },
    ]);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(stub);
  });

  it("retries a failed close every 5 minutes and ends the booking once the backend accepts it", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("closeRoom", 2);

    await runAndExpectRetry(stub);
    await runAndExpectRetry(stub);
    const retrying = await stub.status();
    expect(retrying).toMatchObject({ attempts: 2, lastError: expect.stringContaining("500") });
    expect(retrying!.steps.linksRemovedAt).not.toBeNull();
    expect(retrying!.steps.roomClosedAt).toBeNull();
    expect(await bookingStatus(bookingId)).toBe("confirmed");

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(fake.callsTo("closeRoom").map((call) => call.outcome)).toEqual([500, 500, 202]);
    // The links were removed on the first run; later runs do not ask again.
    expect(fake.callsTo("removeSharedLinks")).toHaveLength(1);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(stub);
  });

  it("gives up at once on a 4xx from the backend, records why, and still ends the booking", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("closeRoom", 1, 403);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await alarmAt(stub)).toBeNull(); // no retry every 5 minutes forever
    expect(await stub.status()).toMatchObject({ gaveUpAt: expect.any(Number), lastError: expect.stringContaining("403"), steps: { roomClosedAt: null } });
    expect(await bookingStatus(bookingId)).toBe("ended");
    expect(fake.callsTo("closeRoom")).toHaveLength(1);
  });

  it("counts a room the backend no longer has (404) as closed", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("closeRoom", 1, 404);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(stub);
  });

  it("records a missing backend configuration instead of throwing in the alarm", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    await runInDurableObject(stub, async (instance: SessionManager) => {
      const unconfigured = instance as unknown as { env: Env };
      const saved = unconfigured.env;
      unconfigured.env = { ...saved, BACKEND_API_URL: "" };
      try {
        await instance.alarm();
      } finally {
        unconfigured.env = saved;
      }
    });
    expect(await stub.status()).toMatchObject({ gaveUpAt: expect.any(Number), lastError: expect.stringContaining("not configured") });
    expect(fake.calls).toEqual([]);
    expect(await bookingStatus(bookingId)).toBe("ended");
  });

  it("retries while the backend is unreachable", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.setDown(true);
    await runAndExpectRetry(stub);
    expect((await stub.status())!.lastError).toContain("Network connection lost");

    fake.setDown(false);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(stub);
  });

  it("never lets a failed link removal block the end", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("removeSharedLinks", 1);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(fake.callsTo("removeSharedLinks").map((call) => call.outcome)).toEqual([500]);
    expect(fake.callsTo("closeRoom").map((call) => call.outcome)).toEqual([202]);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(stub);
  });

  it("does not close the room twice when only the D1 update failed", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    // For one run, the object's D1 is one whose tables are gone: the update fails for real.
    const withEnv = (instance: SessionManager) => instance as unknown as { env: Env };
    let ownEnv: Env | undefined;
    await runInDurableObject(stub, (instance: SessionManager) => {
      ownEnv = withEnv(instance).env;
      withEnv(instance).env = { ...ownEnv, DB: env.EMPTY_DB };
    });

    await runAndExpectRetry(stub);
    const retrying = await stub.status();
    expect(retrying!.lastError).toContain("D1 update failed");
    expect(retrying!.steps.roomClosedAt).not.toBeNull();
    expect(await bookingStatus(bookingId)).toBe("confirmed");
    await runInDurableObject(stub, (instance: SessionManager) => {
      withEnv(instance).env = ownEnv!;
    });

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(fake.callsTo("closeRoom")).toHaveLength(1);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(stub);
  });

  it("keeps a retry's progress across an eviction", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("closeRoom", 1);
    await runAndExpectRetry(stub);

    // A new instance must find the booking in SQLite, not in memory.
    await evictDurableObject(stub);
    expect(await manager(bookingId).status()).toMatchObject({ bookingId, attempts: 1, scheduled: true });
    expect(await runDurableObjectAlarm(manager(bookingId))).toBe(true);
    expect(await bookingStatus(bookingId)).toBe("ended");
    await expectErased(manager(bookingId));
  });

  it("makes no backend call after a cancel before the end", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);

    expect(await stub.cancel()).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(fake.calls).toEqual([]);
    expect(await bookingStatus(bookingId)).toBe("confirmed");
    await expectErased(stub);
    expect(await stub.cancel()).toBe(false);
  });

  it("stops retrying after a cancel", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("closeRoom", 1);
    await runAndExpectRetry(stub);
    const callsBefore = fake.calls.length;

    expect(await stub.cancel()).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(fake.calls).toHaveLength(callsBefore);
    await expectErased(stub);
  });

  it("treats a second schedule of the same booking as a move of its end", async () => {
    const bookingId = await newBooking();
    const first = Date.now() + HOUR;
    const stub = await scheduled(bookingId, first);
    const again = unwrapOk(await stub.schedule({ bookingId, ownerId: OWNER, endsAt: first + HOUR, roomId: "room-1" }));

    expect(again).toMatchObject({ bookingId, endsAt: first + HOUR, nextRunAt: first + HOUR, attempts: 0, scheduled: true });
    expect(await alarmAt(stub)).toBe(first + HOUR);
    const rows = await runInDurableObject(stub, (_instance: SessionManager, state) =>
      state.storage.sql.exec("SELECT COUNT(*) AS n FROM booking").one(),
    );
    expect(rows.n).toBe(1);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(fake.callsTo("closeRoom")).toHaveLength(1);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("refuses an invalid request and a second booking on the same object", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    const invalid = await stub.schedule({ bookingId, ownerId: OWNER, endsAt: -1 });
    expect(invalid).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    const other = await stub.schedule({ bookingId: "booking-other", ownerId: OWNER, endsAt: Date.now() + HOUR });
    expect(other).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
  });

  it("refuses to move the end once the end has begun", async () => {
    const bookingId = await newBooking();
    const stub = await scheduled(bookingId);
    fake.failNext("closeRoom", 1);
    await runAndExpectRetry(stub);
    const moved = await stub.schedule({ bookingId, ownerId: OWNER, endsAt: Date.now() + HOUR });
    expect(moved).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
  });
});

describe("room backend client", () => {
  it("sends the bearer token and maps 2xx to ok, 5xx to bad_gateway and other 4xx to rejected", async () => {
    const backend = createFakeRoomBackend();
    const client = createRoomBackend({ baseUrl: "https://rooms.test/", token: "t0k", fetch: backend.fetch });
    backend.failNext("closeRoom", 1);

    expect(await client.closeRoom("b-1", "u-1")).toMatchObject({ ok: false, error: { code: "bad_gateway:upstream" } });
    expect(await client.closeRoom("b-1", "u-1")).toEqual({ ok: true, value: undefined });
    backend.failNext("closeRoom", 1, 401);
    expect(await client.closeRoom("b-1", "u-1")).toMatchObject({ ok: false, error: { code: "rejected:upstream" } });
    expect(await client.removeSharedLinks("b-1")).toEqual({ ok: true, value: undefined });
    expect(backend.calls.map((call) => [call.method, call.path, call.authorization])).toEqual([
      ["POST", "/api/v1/labs/delete", "Bearer t0k"],
      ["POST", "/api/v1/labs/delete", "Bearer t0k"],
      ["POST", "/api/v1/labs/delete", "Bearer t0k"],
      ["DELETE", "/api/v1/expose/", "Bearer t0k"],
    ]);
  });

  it("gives every call a timeout and reports one that fired as a failure", async () => {
    let signal: AbortSignal | null | undefined;
    // Rejects the way fetch does when AbortSignal.timeout fires, without waiting for it.
    const timedOut = async (_input: string, init: RequestInit) => {
      signal = init.signal;
      throw new DOMException("The operation timed out.", "TimeoutError");
    };
    const client = createRoomBackend({ baseUrl: "https://rooms.test", token: "t", fetch: timedOut });
    const result = await client.closeRoom("b-1", "u-1");
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(result).toMatchObject({ ok: false, error: { message: "POST /api/v1/labs/delete failed: timed out" } });
  });
});
