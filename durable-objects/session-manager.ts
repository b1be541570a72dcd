import { DurableObject } from "cloudflare:workers";
import { z } from "../lib/zod";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { createRoomBackend, type RoomBackend } from "../lib/room-backend";
import { markBookingEnded } from "../services/db/bookings";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, fromPlatformAlarm, useClockOf } from "../lib/time";

/**
 * Ends one booked tutoring session on time. One object per booking, named by
 * the booking id. `schedule` sets an alarm at the booking's end; the alarm
 * removes the room's shared links (best effort), closes the room and marks the
 * booking ended in D1, then erases this object. A failed critical step retries
 * every RETRY_DELAY_MS until it succeeds; `cancel` stops everything.
 *
 * Production code has no test hook: the backend client calls the global
 * `fetch`, looked up at call time. Workers tests run in the same isolate as
 * this object, so they install the FAKE in `tests/fakes/room-backend.ts` as
 * the global `fetch` and no request leaves the process.
 */

export const RETRY_DELAY_MS = 5 * 60_000;

/** The RPC argument of `schedule`. TODO: move to lib/schemas.ts when the web worker calls it. */
export const ScheduleRequest = z.object({
  bookingId: z.string().min(1).max(128),
  ownerId: z.string().min(1).max(128),
  /** epoch ms; the alarm fires then */
  endsAt: z.number().int().positive(),
  roomId: z.string().min(1).max(256).optional(),
});
export type ScheduleRequest = z.infer<typeof ScheduleRequest>;

export interface SessionManagerStatus {
  bookingId: string;
  ownerId: string;
  roomId: string | null;
  endsAt: number;
  /** Whether an alarm is set; false only briefly while a run is in progress. */
  scheduled: boolean;
  /** When the alarm fires next: `endsAt`, or a retry after a failure. */
  nextRunAt: number | null;
  /** Alarm runs so far (0 until the booking's end). */
  attempts: number;
  lastError: string | null;
  /** When the end was given up as impossible (no more retries); staff see `lastError`. */
  gaveUpAt: number | null;
  steps: { linksRemovedAt: number | null; roomClosedAt: number | null };
}

const MIGRATIONS = [
  `CREATE TABLE booking (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     booking_id TEXT NOT NULL,
     owner_id TEXT NOT NULL,
     room_id TEXT,
     ends_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     -- epoch ms a step succeeded: a retry skips it, so a closed room is never closed twice
     links_removed_at INTEGER,
     room_closed_at INTEGER
   )`,
  // Set when the end can never succeed (the backend refused with a 4xx, or is not configured):
  // no more retries, and the row stays for staff to see.
  `ALTER TABLE booking ADD COLUMN gave_up_at INTEGER`,
] as const;

type BookingRow = {
  booking_id: string;
  owner_id: string;
  room_id: string | null;
  ends_at: number;
  attempts: number;
  last_error: string | null;
  links_removed_at: number | null;
  room_closed_at: number | null;
  gave_up_at: number | null;
};

export class SessionManager extends DurableObject<Env> {
  private readonly db: CountingSql;
  /** False until the first `schedule` and again after the object erases itself: an idle object stores nothing. */
  private hasSchema = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      const found = this.db.first(sql`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = '_schema'`);
      if (found) this.ensureSchema();
    });
  }

  /**
   * Stores the booking and sets the alarm at `endsAt`. Idempotent: scheduling
   * the same booking again moves the end. Refused once the end has begun.
   */
  async schedule(request: ScheduleRequest): Promise<Result<SessionManagerStatus>> {
    const parsed = ScheduleRequest.safeParse(request);
    if (!parsed.success) return fail("bad_request:body", "Invalid schedule request.", zodIssues(parsed.error));
    const { bookingId, ownerId, endsAt, roomId = null } = parsed.data;
    const existing = this.read();
    if (existing && existing.booking_id !== bookingId) {
      return fail("conflict:booking", "This session manager belongs to another booking.");
    }
    if (existing && existing.attempts > 0) return fail("conflict:booking", "This session is already ending.");
    this.ensureSchema();
    this.db.run(
      sql`INSERT INTO booking (id, booking_id, owner_id, room_id, ends_at) VALUES (1, ${bookingId}, ${ownerId}, ${roomId}, ${endsAt})
          ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, room_id = excluded.room_id, ends_at = excluded.ends_at`,
    );
    await this.ctx.storage.setAlarm(clock.toPlatform(endsAt));
    return ok((await this.status())!);
  }

  /**
   * The booking changed hands ("Forget me" gives the student's browser a new owner id): the end is
   * carried out for the new owner. 1 row written; nothing held, nothing written. Answers whether one was held.
   */
  async handOver(ownerId: string): Promise<boolean> {
    const owner = ScheduleRequest.shape.ownerId.safeParse(ownerId);
    if (!owner.success || !this.read()) return false;
    this.db.run(sql`UPDATE booking SET owner_id = ${owner.data} WHERE id = 1`);
    return true;
  }

  /** The booking was cancelled: forget it. No backend call is made afterwards. Returns whether one was scheduled. */
  async cancel(): Promise<boolean> {
    const existed = this.read() !== null;
    await this.erase();
    return existed;
  }

  /** What this object holds, for staff and tests; null when it holds nothing. */
  async status(): Promise<SessionManagerStatus | null> {
    const row = this.read();
    if (!row) return null;
    const nextRunAt = fromPlatformAlarm(await this.ctx.storage.getAlarm());
    return {
      bookingId: row.booking_id,
      ownerId: row.owner_id,
      roomId: row.room_id,
      endsAt: row.ends_at,
      scheduled: nextRunAt !== null,
      nextRunAt,
      attempts: row.attempts,
      lastError: row.last_error,
      gaveUpAt: row.gave_up_at,
      steps: { linksRemovedAt: row.links_removed_at, roomClosedAt: row.room_closed_at },
    };
  }

  /** Rows read and written by this instance so far. */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** The booking's end. Never throws for a backend or D1 failure: it schedules a retry instead. */
  override async alarm(): Promise<void> {
    const row = this.read();
    if (!row) return this.erase(); // a stray alarm with nothing to end
    if (row.gave_up_at !== null) return; // a stray alarm after giving up
    this.db.run(sql`UPDATE booking SET attempts = attempts + 1 WHERE id = 1`);
    const backend = this.roomBackend();
    if (!backend) return this.giveUp(row.booking_id, "The room backend is not configured (BACKEND_API_URL, BACKEND_API_TOKEN).");

    // 1. Best effort: a room with live shared links is still closed below. Retried with each run until the room is closed.
    if (row.links_removed_at === null && row.room_closed_at === null) {
      const removed = await backend.removeSharedLinks(row.booking_id);
      if (!this.read()) return; // cancelled while we waited
      if (removed.ok) this.db.run(sql`UPDATE booking SET links_removed_at = ${clock.now()} WHERE id = 1`);
      else console.warn(`[SessionManager] ${row.booking_id}: shared links not removed, continuing`, removed.error.message);
    }

    // 2. Critical: close the room, once.
    if (row.room_closed_at === null) {
      const closed = await backend.closeRoom(row.booking_id, row.owner_id);
      if (!this.read()) return;
      if (!closed.ok && closed.error.code === "rejected:upstream") return this.giveUp(row.booking_id, closed.error.message);
      if (!closed.ok) return this.retryLater(row.booking_id, closed.error.message);
      this.db.run(sql`UPDATE booking SET room_closed_at = ${clock.now()} WHERE id = 1`);
    }

    // 3. Critical: mark the booking ended. Idempotent by its WHERE, so it needs no progress mark of its own.
    try {
      await markBookingEnded(this.env.DB, { bookingId: row.booking_id, now: clock.now() });
    } catch (error) {
      if (!this.read()) return;
      return this.retryLater(row.booking_id, `D1 update failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!this.read()) return;

    // 4. Done: this object forgets the booking.
    await this.erase();
  }

  /** The backend client, or null when its configuration is missing (then nothing can close a room). */
  private roomBackend(): RoomBackend | null {
    if (!this.env.BACKEND_API_URL || !this.env.BACKEND_API_TOKEN) return null;
    return createRoomBackend({
      baseUrl: this.env.BACKEND_API_URL,
      token: this.env.BACKEND_API_TOKEN,
      // The global fetch, looked up per call (see the file comment for why tests rely on that).
      fetch: (input, init) => fetch(input, init),
    });
  }

  /**
   * The room cannot be closed by trying again: record why, stop the alarm, and
   * keep this object's row (status shows `gaveUpAt` and `lastError`) for staff.
   * The session's time is over all the same, so the booking is marked ended.
   */
  private async giveUp(bookingId: string, error: string): Promise<void> {
    console.error(`[SessionManager] ${bookingId}: giving up on closing the room`, error);
    this.db.run(sql`UPDATE booking SET last_error = ${error}, gave_up_at = ${clock.now()} WHERE id = 1`);
    await this.ctx.storage.deleteAlarm();
    try {
      await markBookingEnded(this.env.DB, { bookingId, now: clock.now() });
    } catch (failure) {
      console.error(`[SessionManager] ${bookingId}: could not mark the booking ended`, failure);
    }
  }

  private async retryLater(bookingId: string, error: string): Promise<void> {
    console.error(`[SessionManager] ${bookingId}: end failed, retrying in ${RETRY_DELAY_MS / 60_000} min`, error);
    this.db.run(sql`UPDATE booking SET last_error = ${error} WHERE id = 1`);
    await this.ctx.storage.setAlarm(clock.toPlatform(clock.now() + RETRY_DELAY_MS));
  }

  private async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.hasSchema = false;
  }

  private ensureSchema(): void {
    if (this.hasSchema) return;
    migrate(this.db, MIGRATIONS);
    this.hasSchema = true;
  }

  private read(): BookingRow | null {
    if (!this.hasSchema) return null;
    return this.db.first<BookingRow>(sql`SELECT * FROM booking WHERE id = 1`) ?? null;
  }
}
