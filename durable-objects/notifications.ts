import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { MarkRead, NewNotification, Notification, NOTIFICATIONS_KEPT, type NotificationList, type NotificationsFrame, type UnreadCount } from "../lib/notifications/schemas";
import { LIMITS, takeFromBucket, type BucketState } from "../lib/rate-limits";
import { OwnerId } from "../lib/schemas";
import { CLOSE, MAX_CLIENT_FRAME_CHARS, PING, PONG } from "../lib/socket-protocol";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, useClockOf } from "../lib/time";
import { UsedTickets } from "./used-tickets";

/**
 * One student's in-app notifications (the bell): one object per owner id
 * (`idFromName(ownerId)`). Rows are read once per wake and kept in memory
 * (write-through), so the list and the unread count cost 0 rows; `add` writes
 * one row (plus one per old notification dropped past NOTIFICATIONS_KEPT), and
 * is idempotent by its key (booking × event × sequence): a retried effect adds
 * nothing. Like StudentMemory, a student never notified has no tables at all.
 *
 * The bell's tabs hold hibernating WebSockets here (opened by a one-use ticket
 * the sidecar checked, workers/notification-socket.ts, spent here durably);
 * every add and every read pushes the new unread count to each of them. A bell
 * sends one short hello per connect: a longer frame closes its socket, and so
 * do more frames than LIMITS.bellFramesPerSocket (counted in memory).
 */

const MIGRATIONS = [
  `CREATE TABLE owner (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     owner_id TEXT NOT NULL
   )`,
  `CREATE TABLE notifications (
     key TEXT PRIMARY KEY,      -- the caller's idempotency key, also the public id
     seq INTEGER NOT NULL,      -- order of arrival (newest first in the list)
     kind TEXT NOT NULL,        -- a NotificationKind
     title TEXT NOT NULL,
     body TEXT NOT NULL,
     href TEXT,
     booking_id TEXT,
     created_at INTEGER NOT NULL,
     read_at INTEGER
   ) WITHOUT ROWID`,
] as const;

type Row = {
  key: string;
  seq: number;
  kind: Notification["kind"];
  title: string;
  body: string;
  href: string | null;
  booking_id: string | null;
  created_at: number;
  read_at: number | null;
};

const NOT_FOUND = "No such notification of yours.";

export class Notifications extends DurableObject<Env> {
  private readonly db: CountingSql;
  private ownerId: string | null = null;
  /** Every kept notification, newest first, with its seq: read once per wake. */
  private rows: Row[] = [];
  private hasSchema = false;
  /** Socket tickets spent here, kept until they expire: one ticket, one socket, even after a restart. */
  private readonly tickets: UsedTickets;
  /** Each open bell's frame bucket: memory only, so a woken object starts them full. */
  private readonly frames = new Map<WebSocket, BucketState>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    this.tickets = new UsedTickets(this.db);
    // The runtime answers the bell's keep-alive itself: an idle tab never wakes the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  private load(): void {
    this.hasSchema = this.db.first(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_schema'`) !== undefined;
    if (!this.hasSchema) return;
    migrate(this.db, MIGRATIONS);
    this.ownerId = this.db.first<{ owner_id: string }>(sql`SELECT owner_id FROM owner WHERE id = 1`)?.owner_id ?? null;
    this.rows = this.db.all<Row>(sql`SELECT * FROM notifications ORDER BY seq DESC`);
  }

  /** Another owner's name on this object (never the case through the sidecar, which names it by owner): not found. */
  private foreign(ownerId: unknown): boolean {
    const owner = OwnerId.safeParse(ownerId);
    return !owner.success || (this.ownerId !== null && this.ownerId !== owner.data);
  }

  /**
   * Adds one notification unless its key is already here (then nothing is written
   * and `added` is false), keeps the newest NOTIFICATIONS_KEPT, and pushes the new
   * count to every open bell.
   */
  async add(ownerId: string, input: NewNotification): Promise<Result<{ added: boolean; unread: number }>> {
    if (this.foreign(ownerId)) return fail("not_found:notification", NOT_FOUND);
    const parsed = NewNotification.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid notification.", zodIssues(parsed.error));
    const note = parsed.data;
    if (this.rows.some((row) => row.key === note.key)) return ok({ added: false, unread: this.unread() });
    const row: Row = {
      key: note.key,
      seq: (this.rows[0]?.seq ?? 0) + 1,
      kind: note.kind,
      title: note.title,
      body: note.body,
      href: note.href ?? null,
      booking_id: note.bookingId ?? null,
      created_at: clock.now(),
      read_at: null,
    };
    const dropped = this.rows.slice(NOTIFICATIONS_KEPT - 1);
    this.ctx.storage.transactionSync(() => {
      if (!this.hasSchema) {
        migrate(this.db, MIGRATIONS);
        this.db.run(sql`INSERT INTO owner (id, owner_id) VALUES (1, ${ownerId})`);
      }
      this.db.run(
        sql`INSERT INTO notifications (key, seq, kind, title, body, href, booking_id, created_at, read_at)
            VALUES (${row.key}, ${row.seq}, ${row.kind}, ${row.title}, ${row.body}, ${row.href}, ${row.booking_id}, ${row.created_at}, NULL)`,
      );
      for (const old of dropped) this.db.run(sql`DELETE FROM notifications WHERE key = ${old.key}`);
    });
    this.hasSchema = true;
    this.ownerId = ownerId;
    this.rows = [row, ...this.rows.slice(0, NOTIFICATIONS_KEPT - 1)];
    this.push(publicOf(row));
    return ok({ added: true, unread: this.unread() });
  }

  /**
   * Another owner's notifications join these (the student signed in and that browser's bell moves to
   * the account, services/owner-merge.ts), each keeping its time and read state. Idempotent by id: one
   * already here is skipped, so a retried move writes nothing twice. One row written per new one.
   */
  async absorb(ownerId: string, notes: unknown): Promise<Result<{ added: number; unread: number }>> {
    if (this.foreign(ownerId)) return fail("not_found:notification", NOT_FOUND);
    const parsed = Notification.array().max(NOTIFICATIONS_KEPT).safeParse(notes);
    if (!parsed.success) return fail("bad_request:body", "Invalid notifications.", zodIssues(parsed.error));
    const held = new Set(this.rows.map((row) => row.key));
    const incoming = parsed.data.filter((note) => !held.has(note.id)).sort((a, b) => a.createdAt - b.createdAt);
    if (incoming.length === 0) return ok({ added: 0, unread: this.unread() });
    let seq = this.rows[0]?.seq ?? 0;
    const added: Row[] = incoming.map((note) => ({
      key: note.id, seq: ++seq, kind: note.kind, title: note.title, body: note.body, href: note.href,
      booking_id: note.bookingId, created_at: note.createdAt, read_at: note.readAt,
    }));
    const merged = [...added.reverse(), ...this.rows];
    const kept = merged.slice(0, NOTIFICATIONS_KEPT);
    const dropped = merged.slice(NOTIFICATIONS_KEPT);
    this.ctx.storage.transactionSync(() => {
      if (!this.hasSchema) {
        migrate(this.db, MIGRATIONS);
        this.db.run(sql`INSERT INTO owner (id, owner_id) VALUES (1, ${ownerId})`);
      }
      for (const row of added) {
        if (dropped.includes(row)) continue;
        this.db.run(
          sql`INSERT INTO notifications (key, seq, kind, title, body, href, booking_id, created_at, read_at)
              VALUES (${row.key}, ${row.seq}, ${row.kind}, ${row.title}, ${row.body}, ${row.href}, ${row.booking_id}, ${row.created_at}, ${row.read_at})`,
        );
      }
      for (const old of dropped) if (!added.includes(old)) this.db.run(sql`DELETE FROM notifications WHERE key = ${old.key}`);
    });
    this.hasSchema = true;
    this.ownerId = ownerId;
    this.rows = kept;
    this.push(null);
    return ok({ added: added.filter((row) => !dropped.includes(row)).length, unread: this.unread() });
  }

  /** The newest `limit` notifications and the unread count, from memory (0 rows). */
  async list(ownerId: string, limit = NOTIFICATIONS_KEPT): Promise<Result<NotificationList>> {
    if (this.foreign(ownerId)) return fail("not_found:notification", NOT_FOUND);
    const count = Math.max(1, Math.min(NOTIFICATIONS_KEPT, Math.trunc(Number(limit)) || NOTIFICATIONS_KEPT));
    return ok({ notifications: this.rows.slice(0, count).map(publicOf), unread: this.unread() });
  }

  /** How many are unread, from memory: reading the count writes nothing (and reads nothing once awake). */
  async unreadCount(ownerId: string): Promise<Result<UnreadCount>> {
    if (this.foreign(ownerId)) return fail("not_found:notification", NOT_FOUND);
    return ok({ unread: this.unread() });
  }

  /**
   * Marks some notifications (by id) or all of them read: one row written per
   * notification that was unread. Ids none of which are this student's: 404.
   */
  async markRead(ownerId: string, input: MarkRead): Promise<Result<UnreadCount & { marked: number }>> {
    if (this.foreign(ownerId)) return fail("not_found:notification", NOT_FOUND);
    const parsed = MarkRead.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Name the notifications to mark read, or all.", zodIssues(parsed.error));
    const wanted = "all" in parsed.data ? null : new Set(parsed.data.ids);
    if (wanted && !this.rows.some((row) => wanted.has(row.key))) return fail("not_found:notification", NOT_FOUND);
    const now = clock.now();
    const marking = this.rows.filter((row) => row.read_at === null && (!wanted || wanted.has(row.key)));
    if (marking.length > 0) {
      this.ctx.storage.transactionSync(() => {
        for (const row of marking) this.db.run(sql`UPDATE notifications SET read_at = ${now} WHERE key = ${row.key}`);
      });
      for (const row of marking) row.read_at = now;
      this.push(null);
    }
    return ok({ marked: marking.length, unread: this.unread() });
  }

  /**
   * "Forget me": every notification and the owner row go (`deleteAll`, so the object stores nothing,
   * like one never notified) and every open bell is closed (its tab reconnects as the browser's new
   * owner). A repeat, or an object never used, answers 0.
   */
  async forgetAll(ownerId: string): Promise<Result<{ deleted: number }>> {
    if (this.foreign(ownerId)) return fail("not_found:notification", NOT_FOUND);
    const deleted = this.rows.length;
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, "forgotten");
      } catch {
        // already closed
      }
    }
    if (this.hasSchema) await this.ctx.storage.deleteAll();
    this.hasSchema = false;
    this.ownerId = null;
    this.rows = [];
    return ok({ deleted });
  }

  /** Rows read and written by this instance so far (tests and the docs' cost table). */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /**
   * The bell's socket upgrade, forwarded by the sidecar after it checked the ticket: a ticket
   * already spent here is refused, another owner gets 404, and only then is the ticket spent,
   * in storage (one row; the first socket also makes the used tickets' table).
   */
  override async fetch(request: Request): Promise<Response> {
    const admitted = this.tickets.admit(request, clock.now(), (ownerId) =>
      this.foreign(ownerId) ? Response.json({ error: { code: "not_found", message: NOT_FOUND } }, { status: 404 }) : null,
    );
    if (admitted instanceof Response) return admitted;
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** A bell's hello (after each connect) is answered with the current count; a long frame or a flood closes the socket. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const size = typeof message === "string" ? message.length : message.byteLength;
    if (size > MAX_CLIENT_FRAME_CHARS) return this.closeSocket(ws, CLOSE.tooLarge, "frame too large");
    const { decision, state } = takeFromBucket(LIMITS.bellFramesPerSocket, this.frames.get(ws) ?? null, clock.now());
    this.frames.set(ws, state);
    if (!decision.allowed) return this.closeSocket(ws, CLOSE.tooManyFrames, "too many frames");
    send(ws, { v: 1, type: "notifications", unread: this.unread(), latest: null });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.frames.delete(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
  }

  private unread(): number {
    return this.rows.filter((row) => row.read_at === null).length;
  }

  private push(latest: Notification | null): void {
    const frame: NotificationsFrame = { v: 1, type: "notifications", unread: this.unread(), latest };
    for (const ws of this.ctx.getWebSockets()) send(ws, frame);
  }

  private closeSocket(ws: WebSocket, code: number, reason: string): void {
    this.frames.delete(ws);
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
  }
}

function publicOf(row: Row): Notification {
  return {
    id: row.key,
    kind: row.kind,
    title: row.title,
    body: row.body,
    href: row.href,
    bookingId: row.booking_id,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

function send(ws: WebSocket, frame: NotificationsFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // closing
  }
}
