import { FIRST_CENTER } from "../lib/center/ids";
import { z } from "zod";
import { insertSignInLink } from "../services/db/accounts";
import { SIGN_IN_LINK_MS } from "../lib/accounts/schemas";
import type { RowCounts } from "../durable-objects/sql";
import { createSessionId, newOwnerId, newSecretToken, randomHex, sha256Hex } from "../lib/ids";
import { STAFF_SESSION_MS } from "../lib/staff/schemas";
import { clock } from "../lib/time";
import Sidecar, {
  ChatSession as ProductChatSession,
  MessageQueue as ProductMessageQueue,
  SessionManager as ProductSessionManager,
  RateLimiter as ProductRateLimiter,
  Analytics as ProductAnalytics,
  StudentMemory as ProductStudentMemory,
  Waitlist as ProductWaitlist,
  Notifications as ProductNotifications,
  Center as ProductCenter,
} from "../workers/sidecar";
import { analyticsObject } from "../services/objects";
import {
  countAlarmRun,
  countSidecarFetch,
  countSidecarRpc,
  countWsClosed,
  countWsHandled,
  instrumentEnv,
  liveObjects,
  setCounting,
  settled,
  snapshot,
  track,
  uncountedEnv,
  type DoClass,
} from "./e2e-counting";

/**
 * The end-to-end benchmark's sidecar (bench/e2e-wrangler.toml): the REAL
 * sidecar — its default entrypoint and its three Durable Object classes,
 * unchanged — each subclassed only to hand the real constructor a counting
 * `env` (bench/e2e-counting.ts) and to register the instance. Every route the
 * product serves (`/api/chat/session/{id}/socket?ticket=…`, `/internal/*`,
 * `/health`) is the real sidecar's `fetch`.
 *
 * bench/e2e.mjs drives it over HTTP, standing in for the browser and the web
 * worker:
 *
 *   GET  /bench/health             { ok, botMode }
 *   GET  /bench/counters           every counter so far (the driver diffs two snapshots)
 *   POST /bench/counting { on }    off: the wrappers pass straight through (latency runs)
 *   POST /bench/call { method, args }  one call of the real entrypoint's RPC method, as the web
 *                                  worker makes it over the SIDECAR binding → { result, ms }
 *   POST /bench/evict { sessionId }    drops that chat's object from memory (ctx.abort), as
 *                                  hibernation or eviction would; its next call re-runs the constructor
 *   POST /bench/storage { sessionId }  that chat's SQLite size in bytes (uncounted)
 *   POST /bench/analytics-wake     wakes Analytics "global" (its schema made), uncounted
 *   POST /bench/chat-report { sessionId }  runs that chat's alarm now (its analytics report; the alarm
 *                                  run and what it calls are counted, the call that starts it is not)
 *   GET  /bench/verify             every live object's rowCounts() over RPC vs. the registry
 *
 * Staff (bench/e2e-staff.mjs), uncounted setup straight into D1:
 *
 *   POST /bench/staff-session { role }   a staff member and a session row (the token's SHA-256, as
 *                                  services/db/staff.ts stores it) → { token, staffId }
 *   POST /bench/past-booking { tutorId, date, start }  a booking that already took place → { bookingId }
 *   POST /bench/sign-in-link { email }  a sign-in link's row, as the email sign-in writes it (no mail API here) → { token }. Uncounted.
 *   POST /bench/analytics-record { events, key }  one Analytics.record call as recordAnalytics makes it (counted),
 *                                  with the key a retry repeats → the object's answer
 */

export class ChatSession extends ProductChatSession {
  // The benchmark sends far faster than a student may (200 latency samples in one chat): it
  // measures what an exchange costs, not the per-chat limit, which would refuse it.
  protected override readonly messageLimit = { kind: "bucket", capacity: 1_000_000, refillEveryMs: 1 } as const;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "ChatSession"));
    track("ChatSession", ctx, () => this.rowCounts());
    // Its analytics report is run by /bench/chat-report, inside the step that measures it.
    holdAlarms(ctx);
  }

  override async alarm(): Promise<void> {
    countAlarmRun("ChatSession");
    await super.alarm();
  }

  /** What the chat's alarm does when it fires (its analytics report), run now. */
  async benchReport(): Promise<void> {
    await this.alarm();
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    countWsHandled();
    super.webSocketMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    countWsClosed();
    super.webSocketClose(ws, code);
  }

  /** Bench only: resets this instance, as an eviction would; the next call constructs a new one. */
  benchEvict(): void {
    this.ctx.abort("bench: evict");
  }
}

export class MessageQueue extends ProductMessageQueue {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "MessageQueue"));
    track("MessageQueue", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("MessageQueue");
    await super.alarm();
  }
}

export class SessionManager extends ProductSessionManager {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "SessionManager"));
    track("SessionManager", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("SessionManager");
    await super.alarm();
  }
}

export class RateLimiter extends ProductRateLimiter {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "RateLimiter"));
    track("RateLimiter", ctx, () => this.rowCounts());
    holdAlarms(ctx);
  }

  override async alarm(): Promise<void> {
    countAlarmRun("RateLimiter");
    await super.alarm();
  }
}

/** How far the bench moves the RateLimiter's flush alarm: past the end of any run. */
const ALARM_HOLD_MS = 60 * 60_000;

/**
 * The RateLimiter flushes 5 s after its first change: at a random moment of
 * the run, inside whichever step is measured then (a queue complete would show
 * a limiter's rows). The bench keeps its setAlarm calls (counted, 1 row written
 * each) but sets them an hour later, so the flush does not run (its window is in memory).
 */
function holdAlarms(ctx: DurableObjectState): void {
  const setAlarm = ctx.storage.setAlarm.bind(ctx.storage);
  Object.defineProperty(ctx.storage, "setAlarm", {
    configurable: true,
    writable: true,
    value: (time: number | Date, options?: DurableObjectSetAlarmOptions) => setAlarm(Number(time) + ALARM_HOLD_MS, options),
  });
}

export class Analytics extends ProductAnalytics {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "Analytics"));
    track("Analytics", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("Analytics");
    await super.alarm();
  }
}

export class StudentMemory extends ProductStudentMemory {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "StudentMemory"));
    track("StudentMemory", ctx, () => this.rowCounts());
  }
}

/** The entrypoint methods the driver may call: what the web worker's routes and the bots call. */
const Method = z.enum([
  "ping",
  "getState",
  "listMessages",
  "sendMessage",
  "issueSocketTicket",
  // Every page's header: the assistant's persona, the bell's count and its socket ticket.
  "centerPolicy",
  "notificationCount",
  "notificationSocketTicket",
  "queuePending",
  "queueClaim",
  "queueClaimNext",
  "queueComplete",
  "queueConversation",
  // The staff console (bench/e2e-staff.mjs).
  "staffScheduleWeek",
  "staffScheduleCancel",
  "staffScheduleAttendance",
  "staffScheduleNote",
  "staffTutors",
  "staffTutor",
  "staffUpdateTutor",
  "staffCenterSettings",
  "staffUpdateCenterSettings",
  "staffAnalytics",
  "staffInbox",
  // Student accounts (bench/e2e-staff.mjs accountRun).
  "signInLinkInfo",
  "redeemSignInLink",
  "checkAccountSession",
]);
const CallBody = z.object({ method: Method, args: z.array(z.unknown()).max(4) });
const CountingBody = z.object({ on: z.boolean() });
const SessionBody = z.object({ sessionId: z.string().min(1).max(200) });
const StaffSessionBody = z.object({ role: z.enum(["admin", "staff", "tutor"]), tutorId: z.string().min(1).max(64).optional() });
const AnalyticsRecordBody = z.object({ events: z.array(z.unknown()).max(100), key: z.string().max(64) });
const SignInLinkBody = z.object({ email: z.email() });
const PastBookingBody = z.object({
  tutorId: z.string().min(1).max(64),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start: z.string().regex(/^\d{2}:00$/),
});

type EntrypointMethod = (...args: unknown[]) => Promise<unknown>;

export class Waitlist extends ProductWaitlist {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "Waitlist"));
    track("Waitlist", ctx, () => this.rowCounts());
  }
}

export class Notifications extends ProductNotifications {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "Notifications"));
    track("Notifications", ctx, () => this.rowCounts());
  }
}

export class Center extends ProductCenter {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "Center"));
    track("Center", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("Center");
    await super.alarm();
  }
}

export default class BenchSidecar extends Sidecar {
  constructor(ctx: ExecutionContext, env: Env) {
    super(ctx, instrumentEnv(env, "entrypoint"));
  }

  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/bench/")) {
      try {
        return await this.bench(request, pathname);
      } catch (error) {
        console.error("[bench] route failed", error);
        return Response.json({ error: String(error instanceof Error ? (error.stack ?? error.message) : error) }, { status: 500 });
      }
    }
    countSidecarFetch();
    return super.fetch(request);
  }

  private async bench(request: Request, pathname: string): Promise<Response> {
    switch (pathname) {
      case "/bench/health":
        return Response.json({ ok: true, botMode: this.env.BOT_MODE });
      case "/bench/counters":
        // Calls nobody awaited (analytics) belong to the step that made them: let them finish first.
        return Response.json({ ...snapshot(), unsettled: await settled() });
      case "/bench/counting": {
        setCounting(CountingBody.parse(await request.json()).on);
        return Response.json({ ok: true });
      }
      case "/bench/call": {
        const { method, args } = CallBody.parse(await request.json());
        countSidecarRpc(method);
        const call = Reflect.get(this, method) as EntrypointMethod;
        const started = performance.now();
        const result: unknown = await Reflect.apply(call, this, args);
        return Response.json({ result, ms: performance.now() - started });
      }
      case "/bench/evict": {
        const { sessionId } = SessionBody.parse(await request.json());
        const namespace = uncountedEnv().CHAT_SESSION as unknown as DurableObjectNamespace<ChatSession>;
        const evicted = await namespace
          .get(namespace.idFromName(sessionId))
          .benchEvict()
          .then(
            () => false,
            () => true, // abort() fails the call that asked for it: that is the eviction
          );
        return Response.json({ evicted });
      }
      case "/bench/analytics-wake":
        // Analytics "global" is long-lived in production: its schema is not a report's cost.
        return Response.json(await analyticsObject(uncountedEnv()).rowCounts());
      case "/bench/chat-report": {
        const { sessionId } = SessionBody.parse(await request.json());
        const namespace = uncountedEnv().CHAT_SESSION as unknown as DurableObjectNamespace<ChatSession>;
        await namespace.get(namespace.idFromName(sessionId)).benchReport();
        return Response.json({ reported: true });
      }
      case "/bench/storage": {
        const { sessionId } = SessionBody.parse(await request.json());
        const env = uncountedEnv();
        const bytes = await env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId)).storageBytes();
        return Response.json({ bytes });
      }
      case "/bench/verify":
        return Response.json(await verify());
      case "/bench/staff-session":
        return Response.json(await insertStaffSession(StaffSessionBody.parse(await request.json())));
      case "/bench/past-booking":
        return Response.json(await insertPastBooking(PastBookingBody.parse(await request.json())));
      case "/bench/sign-in-link": {
        const { email } = SignInLinkBody.parse(await request.json());
        const token = newSecretToken();
        const now = clock.now();
        await insertSignInLink(uncountedEnv().DB, { center: FIRST_CENTER, token, address: email.toLowerCase(), claims: [], now, expiresAt: now + SIGN_IN_LINK_MS });
        return Response.json({ token });
      }
      case "/bench/analytics-record": {
        const { events, key } = AnalyticsRecordBody.parse(await request.json());
        // Through the entrypoint's counting env, to the object recordAnalytics addresses.
        return Response.json(await analyticsObject(this.env).record(events, Date.now(), key));
      }
    }
    return Response.json({ error: `no bench route ${pathname}` }, { status: 404 });
  }
}

/** A staff member and a live session, as sign-in leaves them (services/db/staff.ts): D1 keeps the token's SHA-256. Uncounted. */
async function insertStaffSession({ role, tutorId }: z.infer<typeof StaffSessionBody>) {
  const db = uncountedEnv().DB;
  const now = clock.now();
  const staffId = `staff-bench-${randomHex(8)}`;
  const token = newSecretToken();
  await db.batch([
    db
      .prepare("INSERT INTO staff_members (id, email, role, tutor_id, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(staffId, `${staffId}@bench.example`, role, tutorId ?? null, now),
    db
      .prepare("INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .bind(await sha256Hex(token), staffId, now, now + STAFF_SESSION_MS),
  ]);
  return { token, staffId };
}

/** A booking whose hour has passed (status `ended`, no attendance yet), as the schedule's tests insert it. Uncounted. */
async function insertPastBooking({ tutorId, date, start }: z.infer<typeof PastBookingBody>) {
  const bookingId = `bk-${randomHex(16)}`;
  const end = `${String(Number(start.slice(0, 2)) + 1).padStart(2, "0")}:00`;
  await uncountedEnv()
    .DB.prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'Bench Student', ?, 'online', 'Recursion', 'ended', ?, ?)`,
    )
    .bind(bookingId, createSessionId(), newOwnerId(), tutorId, date, start, end, `${bookingId}@bench.example`, clock.now(), clock.now())
    .run();
  return { bookingId };
}

/**
 * Do the counters really see every object? Each object this isolate has
 * registered is asked for its rowCounts() over RPC (uncounted stubs); the
 * answer must equal what the registry read from the same instance in memory.
 * If the objects ran in another isolate, the registry would be empty or stale.
 */
async function verify() {
  const env = uncountedEnv();
  const rowCountsOf = async (cls: DoClass, id: string): Promise<RowCounts> => {
    switch (cls) {
      case "ChatSession":
        return env.CHAT_SESSION.get(env.CHAT_SESSION.idFromString(id)).rowCounts();
      case "MessageQueue":
        return env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromString(id)).rowCounts();
      case "SessionManager":
        return env.SESSION_MANAGER.get(env.SESSION_MANAGER.idFromString(id)).rowCounts();
      case "RateLimiter":
        return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromString(id)).rowCounts();
      case "Analytics":
        return env.ANALYTICS.get(env.ANALYTICS.idFromString(id)).rowCounts();
      case "StudentMemory":
        return env.STUDENT_MEMORY.get(env.STUDENT_MEMORY.idFromString(id)).rowCounts();
      case "Waitlist":
        return env.WAITLIST.get(env.WAITLIST.idFromString(id)).rowCounts();
      case "Notifications":
        return env.NOTIFICATIONS.get(env.NOTIFICATIONS.idFromString(id)).rowCounts();
      case "Center":
        return env.CENTER.get(env.CENTER.idFromString(id)).rowCounts();
    }
  };
  const objects = liveObjects();
  const mismatches: unknown[] = [];
  for (const object of objects) {
    const overRpc = await rowCountsOf(object.cls, object.id);
    // Read the registry after the RPC: the call itself may not add rows, but a wake would show up in both.
    const local = liveObjects().find((entry) => entry.cls === object.cls && entry.id === object.id)?.rows;
    if (!local || local.reads !== overRpc.reads || local.writes !== overRpc.writes) mismatches.push({ ...object, overRpc, local });
  }
  return { objects: objects.length, mismatches };
}
