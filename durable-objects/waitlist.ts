import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { OwnerId } from "../lib/schemas";
import { phrasesIn, type Phrases } from "../lib/tutoring/phrases";
import { Language, WaitForSlot } from "../lib/tutoring/schemas";
import { OFFER_MINUTES, OFFER_MS, WaitlistJoin, offerExpiredText, offerNotice } from "../lib/tutoring/waitlist";
import { waitlistOfferNotice } from "../lib/notifications/messages";
import { notifyStudent } from "../services/notify";
import { slotStillOffered } from "../services/db/bookable";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, useClockOf } from "../lib/time";
import { chatSession } from "../services/objects";
import { messageIds } from "../lib/message-ids";

/**
 * The line of students waiting for one booked slot (tutor, date, start), one
 * object per slot (`waitlistName`). A cancel of that slot's booking calls
 * `slotFreed`: the first in line is offered the slot in their chat, live, for
 * OFFER_MS; the alarm passes an unanswered offer to the next. The slot is not
 * held: whoever books first gets it (the bookings index decides), and an
 * expiring offer moves on only if the slot is still free (one D1 read).
 *
 * One object per slot keeps joins and offers in one single-threaded place
 * (two joins get two positions; two cancels make one offer) and lets a cancel
 * find the line by name, with no D1 rows. An object nobody joined stores
 * nothing: `slotFreed` on it writes no rows (it reads one: the wake-up's schema check).
 */

const MIGRATIONS = [
  `CREATE TABLE slot (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     -- the slot this line is for: an offer first checks D1 that it is still free
     tutor_id TEXT NOT NULL,
     date TEXT NOT NULL,
     start TEXT NOT NULL
   )`,
  `CREATE TABLE entry (
     -- the order of the line (a rowid: no index of its own to write)
     line INTEGER PRIMARY KEY,
     -- one entry per owner, kept so by join (this object runs one call at a time); a line is short, so no index
     owner_id TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     -- JSON WaitForSlot: the slot and the student's name, email, mode and topic if the form had them
     wanted TEXT NOT NULL,
     subject TEXT NOT NULL,
     joined_at INTEGER NOT NULL,
     -- waiting | offered | booked | expired
     state TEXT NOT NULL,
     offered_until INTEGER
   )`,
  // The chat's language when the student joined: the offer and its end are said in it (null: English).
  `ALTER TABLE entry ADD COLUMN language TEXT`,
] as const;

type EntryRow = { line: number; owner_id: string; chat_id: string; wanted: string; state: string; offered_until: number | null; language?: string | null };

export type WaitlistEntry = { ownerId: string; chatId: string; state: string; position: number | null; offeredUntil: number | null };

export class Waitlist extends DurableObject<Env> {
  private readonly db: CountingSql;
  /** False until the first join: a slot nobody waits for stores nothing, and a cancel of it costs no rows. */
  private hasSchema = false;
  /**
   * Changes that await (D1, a chat) run one after another: the runtime lets other calls in while a
   * call awaits I/O, and two offers must never start from the same line at once.
   */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      const found = this.db.first(sql`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = '_schema'`);
      if (found) this.ensureSchema();
    });
  }

  /**
   * Puts the student at the end of the line, once: joining again answers their
   * place. Their place counts everyone waiting or on offer ahead of them, plus one.
   */
  join(input: WaitlistJoin, now: number): Result<{ position: number; joined: boolean }> {
    const parsed = WaitlistJoin.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid waitlist entry.", zodIssues(parsed.error));
    const { ownerId, chatId, wanted, subject, language } = parsed.data;
    this.ensureSchema();
    const current = this.entryOf(ownerId);
    if (current && (current.state === "waiting" || current.state === "offered")) return ok({ position: this.positionOf(current.line), joined: false });
    const line = this.ctx.storage.transactionSync(() => {
      this.db.run(
        sql`INSERT INTO slot (id, tutor_id, date, start) VALUES (1, ${wanted.tutorId}, ${wanted.slot.date}, ${wanted.slot.start}) ON CONFLICT (id) DO NOTHING`,
      );
      // Someone who left the line, was offered it and let it pass, or booked and cancelled joins at the back.
      if (current) this.db.run(sql`DELETE FROM entry WHERE line = ${current.line}`);
      return this.db.first<{ line: number }>(
        sql`INSERT INTO entry (owner_id, chat_id, wanted, subject, joined_at, state, language)
            VALUES (${ownerId}, ${chatId}, ${JSON.stringify(wanted)}, ${subject}, ${now}, 'waiting', ${language ?? null}) RETURNING line`,
      )!.line;
    });
    return ok({ position: this.positionOf(line), joined: true });
  }

  /** Takes the student off the line; if they held the offer, it goes to the next in line now. */
  leave(ownerId: string, now: number): Promise<Result<{ left: boolean }>> {
    return this.oneAtATime(() => this.runLeave(ownerId, now));
  }

  private async runLeave(ownerId: string, now: number): Promise<Result<{ left: boolean }>> {
    if (!OwnerId.safeParse(ownerId).success || !this.hasSchema) return ok({ left: false });
    const gone = this.db.first<{ state: string }>(sql`DELETE FROM entry WHERE owner_id = ${ownerId} AND state IN ('waiting', 'offered') RETURNING state`);
    if (gone?.state === "offered") {
      await this.ctx.storage.deleteAlarm();
      await this.offerNext(now);
    }
    return ok({ left: gone !== undefined });
  }

  /**
   * The slot's booking was cancelled: the first in line is offered it, unless an
   * offer is already running. `cancelledBy` (the owner who gave it up) leaves the
   * line if they were on it. Answers who was offered it, or null.
   */
  slotFreed(cancelledBy: string | null, now: number): Promise<{ offeredTo: string | null }> {
    return this.oneAtATime(() => this.runSlotFreed(cancelledBy, now));
  }

  private async runSlotFreed(cancelledBy: string | null, now: number): Promise<{ offeredTo: string | null }> {
    if (!this.hasSchema) return { offeredTo: null };
    if (cancelledBy) this.db.run(sql`DELETE FROM entry WHERE owner_id = ${cancelledBy} AND state = 'waiting'`);
    const running = this.db.first<{ owner_id: string }>(sql`SELECT owner_id FROM entry WHERE state = 'offered'`);
    if (running) return { offeredTo: null };
    return { offeredTo: await this.offerNext(now) };
  }

  /**
   * The student booked the slot (the booking row exists): their entry is done,
   * and an offer they held stops running. Refused for anyone not on the line,
   * so another owner can never close someone else's offer.
   */
  booked(ownerId: string, bookingId: string): Promise<Result<{ booked: true }>> {
    return this.oneAtATime(() => this.runBooked(ownerId, bookingId));
  }

  private async runBooked(ownerId: string, bookingId: string): Promise<Result<{ booked: true }>> {
    if (!OwnerId.safeParse(ownerId).success || !this.hasSchema) return fail("not_found:booking", "You are not on this waitlist.");
    const entry = this.entryOf(ownerId);
    if (!entry || (entry.state !== "waiting" && entry.state !== "offered")) return fail("not_found:booking", "You are not on this waitlist.");
    this.db.run(sql`UPDATE entry SET state = 'booked', offered_until = NULL WHERE line = ${entry.line}`);
    if (entry.state === "offered") await this.ctx.storage.deleteAlarm();
    console.info(`[waitlist] ${bookingId} booked from the line`);
    return ok({ booked: true });
  }

  /**
   * "Forget me": every entry of the owner's goes, whatever its state (with it the form's name and
   * email); an offer they held passes to the next in line. A repeat removes nothing.
   */
  forget(ownerId: string, now: number): Promise<Result<{ removed: number }>> {
    return this.oneAtATime(() => this.runForget(ownerId, now));
  }

  private async runForget(ownerId: string, now: number): Promise<Result<{ removed: number }>> {
    if (!OwnerId.safeParse(ownerId).success) return fail("bad_request:params", "Invalid owner.");
    if (!this.hasSchema) return ok({ removed: 0 });
    const gone = this.db.all<{ state: string }>(sql`DELETE FROM entry WHERE owner_id = ${ownerId} RETURNING state`);
    if (gone.some((entry) => entry.state === "offered")) {
      await this.ctx.storage.deleteAlarm();
      await this.offerNext(now);
    }
    return ok({ removed: gone.length });
  }

  /**
   * The student signed in: their places in this line move to their account's owner id, keeping
   * their turn (services/owner-merge.ts). Where the account already stands in the line, the earlier
   * place is kept and the other dropped. A repeat moves nothing; one row written per place moved.
   */
  handOver(from: string, to: string, now: number): Promise<Result<{ moved: number }>> {
    if (!OwnerId.safeParse(from).success || !OwnerId.safeParse(to).success) return Promise.resolve(fail("bad_request:params", "Invalid owner."));
    if (!this.hasSchema || from === to) return Promise.resolve(ok({ moved: 0 }));
    return this.oneAtATime(async () => {
      // Already in line as the account: the other place goes as Forget me would take it (an offer it held passes on).
      if (this.db.first(sql`SELECT line FROM entry WHERE owner_id = ${to}`)) {
        const gone = await this.runForget(from, now);
        return gone.ok ? ok({ moved: 0 }) : gone;
      }
      return ok({ moved: this.db.all(sql`UPDATE entry SET owner_id = ${to} WHERE owner_id = ${from} RETURNING line`).length });
    });
  }

  /** The line as it stands, oldest first (tests read it). */
  entries(): WaitlistEntry[] {
    if (!this.hasSchema) return [];
    const rows = this.db.all<EntryRow>(sql`SELECT line, owner_id, chat_id, wanted, state, offered_until FROM entry ORDER BY line`);
    let place = 0;
    return rows.map((row) => {
      const inLine = row.state === "waiting" || row.state === "offered";
      if (inLine) place++;
      return { ownerId: row.owner_id, chatId: row.chat_id, state: row.state, position: inLine ? place : null, offeredUntil: row.offered_until };
    });
  }

  /** Rows read and written by this instance so far. */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** An offer ran out: its student leaves the line (and is told), and the next in line is offered the slot if it is still free. */
  override alarm(): Promise<void> {
    return this.oneAtATime(() => this.runAlarm());
  }

  private async runAlarm(): Promise<void> {
    if (!this.hasSchema) return;
    const now = clock.now();
    const expired = this.db.first<EntryRow>(sql`SELECT line, owner_id, chat_id, wanted, state, offered_until, language FROM entry WHERE state = 'offered'`);
    if (expired) {
      this.db.run(sql`UPDATE entry SET state = 'expired', offered_until = NULL WHERE line = ${expired.line}`);
      await this.tell(expired, "expired", now);
    }
    await this.offerNext(now);
  }

  /**
   * Offers the slot to the first waiting student whose chat takes the notice (a chat in the trash
   * cannot: that entry ends and the next is tried), if the slot may still be booked (services/db/bookable.ts); answers who, or null.
   */
  private async offerNext(now: number): Promise<string | null> {
    const slot = this.db.first<{ tutor_id: string; date: string; start: string }>(sql`SELECT tutor_id, date, start FROM slot WHERE id = 1`);
    // Booked again by someone outside the line, past, or no longer allowed (lead time, a closed date…): the line waits for the next cancel.
    if (!slot || !(await slotStillOffered(this.env.DB, { tutorId: slot.tutor_id, date: slot.date, start: slot.start, now }))) return null;
    for (;;) {
      const next = this.db.first<EntryRow>(sql`SELECT line, owner_id, chat_id, wanted, state, offered_until, language FROM entry WHERE state = 'waiting' ORDER BY line LIMIT 1`);
      if (!next) return null;
      const until = now + OFFER_MS;
      this.db.run(sql`UPDATE entry SET state = 'offered', offered_until = ${until} WHERE line = ${next.line}`);
      if (await this.tell({ ...next, offered_until: until }, "offer", now)) {
        await this.ctx.storage.setAlarm(clock.toPlatform(until));
        const wanted = WaitForSlot.parse(JSON.parse(next.wanted));
        // The bell too (pushed to every open tab), after the chat has the offer it points to.
        await notifyStudent(this.env, next.owner_id, waitlistOfferNotice({ tutorId: wanted.tutorId, tutorName: wanted.tutorName, ...wanted.slot, until, minutes: OFFER_MINUTES, language: Language.safeParse(next.language).data }));
        return next.owner_id;
      }
      this.db.run(sql`UPDATE entry SET state = 'expired', offered_until = NULL WHERE line = ${next.line}`);
    }
  }

  /** Pushes the offer (or its end) to the student's chat; false when the chat is in the trash or out of reach. */
  private async tell(entry: EntryRow, kind: "offer" | "expired", now: number): Promise<boolean> {
    const wanted = WaitForSlot.parse(JSON.parse(entry.wanted));
    const chat = chatSession(this.env, entry.chat_id);
    // One notice per offer and per end of one: keyed by the offer's deadline, never reused in a chat.
    const key = messageIds.waitlistNotice(entry.offered_until, kind);
    const say = phrasesIn(Language.safeParse(entry.language).data);
    try {
      const told =
        kind === "expired"
          ? await chat.waitlistOfferEnded(entry.owner_id, { id: key, content: offerExpiredText(wanted, say), quickReplies: [say.quick.startOver] }, { tutorId: wanted.tutorId, ...wanted.slot }, now)
          : await this.offerTo(chat, entry.owner_id, key, wanted, now, say);
      if (!told.ok) console.warn("[waitlist] chat refused the notice", told.error.message);
      return told.ok;
    } catch (error) {
      console.warn("[waitlist] chat not told", error);
      return false;
    }
  }

  /** The offer and the booking form it opens, in one transaction of the chat's. */
  private offerTo(chat: ReturnType<typeof chatSession>, ownerId: string, id: string, wanted: WaitForSlot, now: number, say: Phrases) {
    const { content, quickReplies, bookingInfo } = offerNotice(wanted, say);
    return chat.appendAssistantTurn(ownerId, [{ id, content, quickReplies }], { bookingInfo }, now);
  }

  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.then(work);
    this.changes = run.catch(() => undefined);
    return run;
  }

  private entryOf(ownerId: string): { line: number; state: string } | undefined {
    return this.db.first<{ line: number; state: string }>(sql`SELECT line, state FROM entry WHERE owner_id = ${ownerId}`);
  }

  private positionOf(line: number): number {
    return this.db.first<{ ahead: number }>(sql`SELECT COUNT(*) AS ahead FROM entry WHERE line <= ${line} AND state IN ('waiting', 'offered')`)?.ahead ?? 1;
  }

  private ensureSchema(): void {
    if (this.hasSchema) return;
    migrate(this.db, MIGRATIONS);
    this.hasSchema = true;
  }
}
