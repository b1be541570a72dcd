import { DurableObject } from "cloudflare:workers";
import { fail, ok, type Result } from "../lib/errors";
import { LIMITS, type BucketRule, type ClientContext } from "../lib/rate-limits";
import { DEFAULT_PAGE_SIZE, EMPTY_SESSION_FIELDS, OwnerId, type ChatMessage, type ChatState, type MessagePage, type MessagePageQuery, type MessageAuthor, type NewAssistantMessage, type ReplyVote, type SessionFields, type SessionPatch } from "../lib/schemas";
import { PING, PONG } from "../lib/socket-protocol";
import { clock, useClockOf } from "../lib/time";
import { patchRefusal } from "../lib/tutoring/patch-rules";
import { phrasesIn } from "../lib/tutoring/phrases";
import type { SessionSlot } from "../lib/tutoring/schemas";
import { showsOffer, type WaitlistSlotKey } from "../lib/tutoring/waitlist";
import { builtinTurn } from "../services/assistant-turn";
import { ChatAdmission } from "./chat/admission";
import { cancelNotice, movedNotice, type MovedElsewhere } from "./chat/booking-notices";
import { ChatAnalyticsReport } from "./chat/analytics-report";
import { countsOf } from "../lib/analytics/batch";
import { rateReply } from "./chat/feedback";
import { ChatMemory } from "./chat/memory";
import { ChatCenter } from "./chat/center";
import { centerOfOwner } from "../lib/center/ids";
import type { CenterSnapshot } from "../lib/center/snapshot";
import { ChatListing } from "./chat/listing";
import { ChatSockets, type SocketSource } from "./chat/sockets";
import * as store from "./chat/store";
import { messageEvents, storedAnswer, type SessionMeta, type Stored, type StoredInput } from "./chat/stored";
import { CountingSql, migrate, type RowCounts } from "./sql";

/**
 * One chat session: its messages (one row each, ordered by a monotonic `seq`),
 * the assistant's working state (pending match, booking form, last search,
 * tutors shown) and the live sockets of every tab that has it open. A session
 * belongs to the owner that created it; every method takes the caller's owner
 * id and answers "not found" to anybody else.
 *
 * The built-in assistant runs here (`exchange`): one call stores the student's
 * message, the replies and the new fields in one transaction and pushes them.
 */

export type { Stored } from "./chat/stored";

export class ChatSession extends DurableObject<Env> {
  private readonly db: CountingSql;
  private readonly sockets: ChatSockets;
  /** What the chat's messages started, reported to Analytics in batches from the alarm. */
  private readonly report: ChatAnalyticsReport;
  /** Write-through copy of the single `session` row: state reads cost no storage rows. */
  private meta: SessionMeta | null = null;
  private fields: SessionFields = EMPTY_SESSION_FIELDS;
  /** Newest message seq, kept in memory so a poll with nothing new reads no rows. */
  private lastSeq = 0;
  /** The newest page, read once on first need. */
  private recentCache: store.RecentMessages | null = null;
  /** Exchanges run one at a time: a turn awaits D1, and a second message must see the first one's fields. */
  private turns: Promise<unknown> = Promise.resolve();
  /** The chat's D1 row: written with its first message, its order touched at most hourly. */
  private readonly listing = new ChatListing(this.env.DB, (at) => store.setListedAt(this.db, at));
  /** The pace a student may send at (lib/rate-limits.ts); the benchmark's subclass lifts it. */
  protected readonly messageLimit: BucketRule = LIMITS.messagesPerChat;
  /** The chat's limits: the message rule read on every take, so the subclass's lift applies. */
  private readonly admission = new ChatAdmission(this.env, this.env.DB, () => ({ messagesPerChat: this.messageLimit, patchesPerChat: LIMITS.patchesPerChat, votesPerChat: LIMITS.votesPerChat }));
  /** The owner's memory, as this chat last read or learned it (kept in the session row once it exists). */
  private readonly memory = new ChatMemory(this.env, (copy) => this.meta !== null && (copy === null ? store.dropMemoryCopy(this.db) : this.meta.ownerId === copy.ownerId && store.writeMemoryCopy(this.db, copy)));
  /** The center's policy and catalog version, asked once a day, kept in the session row and current by the Center's pushes. */
  private readonly center = new ChatCenter(this.env, (copy) => this.meta !== null && store.writeCenterCopy(this.db, copy));

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    this.sockets = new ChatSockets(ctx, this.db);
    this.report = new ChatAnalyticsReport(ctx.storage, this.db, env);
    // Keep-alive pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  private load(): void {
    migrate(this.db, store.MIGRATIONS);
    const row = store.readSession(this.db);
    if (!row) return;
    this.lastSeq = store.newestSeq(this.db, row.seq_floor);
    this.meta = {
      sessionId: row.session_id,
      ownerId: row.owner_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
    };
    this.fields = store.fieldsOf(row);
    this.listing.restore(row.listed_at);
    this.memory.restore({ ownerId: row.owner_id, facts: row.memory_facts, version: row.memory_version });
    this.center.restore({ snapshot: row.center_copy, askedAt: row.center_asked_at });
  }

  /** The whole state a page needs: fields plus the newest page of messages (from memory once read). */
  getState(ownerId: string): Result<ChatState> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    return ok(this.snapshot(meta));
  }

  /**
   * Messages strictly after `after` (oldest first), or strictly before
   * `before` (the page just older than it), at most `limit`.
   */
  listMessages(ownerId: string, query: MessagePageQuery): Result<MessagePage> {
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.before !== undefined) {
      const { messages, hasOlder } = store.messagesBefore(this.db, query.before, limit);
      return ok({ messages, lastSeq: messages.at(-1)?.seq ?? 0, hasMore: hasOlder });
    }
    const after = query.after ?? 0;
    // The fallback poll: nothing new costs nothing.
    if (after >= this.lastSeq) return ok({ messages: [], lastSeq: after, hasMore: false });
    const { messages, hasMore } = this.messagesAfter(after, limit);
    return ok({ messages, lastSeq: messages.at(-1)?.seq ?? after, hasMore });
  }

  /**
   * The built-in assistant's exchange, in one call: the pure assistant answers
   * from the fields in memory (awaiting only D1 and any effect), then the
   * question, its replies and the new fields are stored in one transaction
   * and pushed to every open tab. Creates the session for `ownerId` on first
   * use. Idempotent on `message.id`: a retry returns the stored exchange.
   */
  exchange(ownerId: string, sessionId: string, message: { id: string; content: string }, now: number, client: ClientContext = {}): Promise<Result<Stored>> {
    return this.oneAtATime(() => this.runExchange(ownerId, sessionId, message, now, client));
  }

  /** Runs `work` after every earlier message of this chat (a turn awaits D1 or a limiter in between). */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turns.then(work);
    this.turns = run.catch(() => undefined);
    return run;
  }

  private async runExchange(
    ownerId: string,
    sessionId: string,
    message: { id: string; content: string },
    now: number,
    client: ClientContext,
  ): Promise<Result<Stored>> {
    const admitted = await this.admit(ownerId, message.id, now, client);
    if ("done" in admitted) return admitted.done;
    const { isNew, before } = admitted;

    const question: ChatMessage = { seq: this.lastSeq + 1, id: message.id, role: "user", content: message.content, createdAt: now };
    const [listed, turn] = await Promise.all([
      this.listing.record({ id: sessionId, ownerId, content: message.content, now }),
      builtinTurn({
        env: this.env, sessionId, ownerId,
        messageId: message.id,
        content: message.content,
        fields: this.fields,
        transcript: () => [...(isNew ? [] : this.recent().page.messages), question],
        now: new Date(now),
        center: () => this.center.current(sessionId, centerOfOwner(ownerId), now),
        memory: () => this.memory.recall(ownerId, now),
        client,
      }),
    ]);
    const events = [...messageEvents(isNew), ...turn.events];
    await this.report.due();
    // The chat may have gone to the trash (or been claimed) while the turn awaited D1.
    if (isNew ? this.meta !== null && this.meta.ownerId !== ownerId : !this.authorize(ownerId)) return this.refusal(ownerId);

    const replies = turn.replies.map((reply, index) => ({ id: store.builtinReplyId(message.id, index), role: "assistant" as const, ...reply }));
    const fieldsBefore = this.fields;
    const { added, touchList } = this.ctx.storage.transactionSync(() => {
      if (this.meta === null) this.create(ownerId, sessionId, now, listed);
      const stored = this.insert([{ id: message.id, role: "user", content: message.content, counts: countsOf(events) }, ...replies], now);
      this.applyFields(turn.patch, now);
      return { added: stored, touchList: this.listing.listed(listed, isNew, now) };
    });
    this.announce(added, fieldsBefore);
    this.memory.learn({ ownerId, chatId: sessionId, seq: added[0]?.seq ?? question.seq, message: message.content, lesson: turn.lesson, now });
    return ok(this.stored(added[0]!, { sessionCreated: isNew, touchList, before, events }));
  }

  /**
   * Stores a student's message for someone outside the chat to answer (an
   * outside bot, BOT_MODE=external), creating the session on first use, and
   * pushes it to every open tab. Idempotent on `message.id`.
   */
  addUserMessage(
    ownerId: string,
    sessionId: string,
    message: { id: string; content: string },
    now: number,
    client: ClientContext = {},
  ): Promise<Result<Stored>> {
    return this.oneAtATime(() => this.storeUserMessage(ownerId, sessionId, message, now, client));
  }

  private async storeUserMessage(
    ownerId: string,
    sessionId: string,
    message: { id: string; content: string },
    now: number,
    client: ClientContext,
  ): Promise<Result<Stored>> {
    const admitted = await this.admit(ownerId, message.id, now, client);
    if ("done" in admitted) return admitted.done;
    const { isNew, before } = admitted;
    const listed = await this.listing.record({ id: sessionId, ownerId, content: message.content, now });
    await this.report.due();
    // The chat may have gone to the trash (or been claimed) while the alarm was set.
    if (isNew ? this.meta !== null && this.meta.ownerId !== ownerId : !this.authorize(ownerId)) return this.refusal(ownerId);
    const { added, touchList } = this.ctx.storage.transactionSync(() => {
      if (this.meta === null) this.create(ownerId, sessionId, now, listed);
      const stored = this.insert([{ id: message.id, role: "user", content: message.content, counts: countsOf(messageEvents(isNew)) }], now);
      return { added: stored, touchList: this.listing.listed(listed, isNew, now) };
    });
    this.announce(added, this.fields);
    return ok(this.stored(added[0]!, { sessionCreated: isNew, touchList, before, events: messageEvents(isNew) }));
  }

  /**
   * Appends replies from outside the chat (an outside bot, staff, a notice)
   * and applies a state patch, in one transaction. Idempotent on each reply's id.
   */
  appendAssistantTurn(
    ownerId: string,
    replies: NewAssistantMessage[],
    patch: Partial<SessionFields>,
    now: number,
  ): Result<{ replies: ChatMessage[]; state: ChatState; rows: RowCounts }> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    const fieldsBefore = this.fields;
    const { result, rows } = this.db.measure(() =>
      this.ctx.storage.transactionSync(() => {
        const added: ChatMessage[] = [];
        const all = replies.map((reply) => {
          const fresh = this.insert([{ ...reply, role: "assistant" }], now);
          added.push(...fresh);
          return fresh[0] ?? store.findKeyed(this.db, reply.id)!;
        });
        this.applyFields(patch, now);
        return { all, added };
      }),
    );
    this.announce(result.added, fieldsBefore);
    return ok({ replies: result.all, state: this.snapshot(meta), rows });
  }

  /**
   * A bot or a person claimed one of this chat's messages: they have read the
   * chat, and the student sees "typing" until `until` (the lease's expiry) or
   * their answer, whichever comes first; `author` names a person (staff).
   * Memory and sockets only: 0 rows.
   */
  agentWorking(ownerId: string, until: number, author?: MessageAuthor): Result<{ agentRead: number }> {
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    this.sockets.agentWorking(this.lastSeq, until, author);
    return ok({ agentRead: this.lastSeq });
  }

  /**
   * One of this chat's bookings was cancelled outside the chat (My bookings):
   * if the booking form shows it, the form says cancelled and the chat says so.
   * Nothing is written when the form shows another booking. Idempotent.
   */
  bookingCancelled(ownerId: string, bookingId: string, now: number, lateCutoffHours?: number): Result<{ shown: boolean }> {
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    const info = this.fields.bookingInfo;
    if (info?.bookingId !== bookingId || info.step !== "confirmed") return ok({ shown: false });
    const say = this.phrases();
    this.sayCancelled(ownerId, bookingId, `${say.cancelled(info)}${typeof lateCutoffHours === "number" ? ` ${say.lateCancel(lateCutoffHours)}` : ""}`, now);
    return ok({ shown: true });
  }

  /**
   * The center cancelled one of this chat's bookings (the staff schedule): the
   * chat always says so, with the reason, live; the booking form says
   * cancelled if it shows that booking. Idempotent on the booking id.
   */
  centerCancelled(ownerId: string, booking: { bookingId: string; tutorName: string; slot: SessionSlot }, reason: string, now: number): Result<{ shown: true }> {
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    this.sayCancelled(ownerId, booking.bookingId, this.phrases().centerCancelled(booking, reason), now);
    return ok({ shown: true });
  }

  /** A booking of this chat's was moved outside it (an email's link): said live, the form at the new time if it shows it. Idempotent. */
  bookingMoved(ownerId: string, move: MovedElsewhere, now: number) {
    return this.appendAssistantTurn(ownerId, ...movedNotice(this.fields, move), now);
  }

  /**
   * A waitlist's offer ran out: the chat says so, live, and closes the booking
   * form if it still shows that offer (the offer itself arrives by
   * `appendAssistantTurn`, opening the form). Idempotent on the notice's id.
   */
  waitlistOfferEnded(ownerId: string, notice: NewAssistantMessage, slot: WaitlistSlotKey, now: number) {
    return this.appendAssistantTurn(ownerId, [notice], showsOffer(this.fields.bookingInfo, slot) ? { bookingInfo: null } : {}, now);
  }

  /** The chat's language as it is now (a student who wrote English again hears English). */
  private phrases = () => phrasesIn(this.fields.searchCriteria?.lang);

  /** The cancellation notice (once per booking, by its message id) and, if the form shows that booking, the form's new step. */
  private sayCancelled(ownerId: string, bookingId: string, content: string, now: number): void {
    this.appendAssistantTurn(ownerId, ...cancelNotice(this.fields, bookingId, content, this.phrases().quick.startOver), now);
  }

  /**
   * The chat changes owner: the student signed in, and what this browser's owner held moves to their
   * account (services/owner-merge.ts). Live or in the trash alike; open tabs stay connected. One row
   * written; a repeat (already `to`'s) writes nothing. Anyone else's chat: not found.
   */
  handOver(from: string, to: string): Result<{ moved: boolean }> {
    // Already moved, or emptied (a hard delete in progress): nothing to move.
    if (!this.meta || this.meta.ownerId === to) return ok({ moved: false });
    if (this.meta.ownerId !== from || !OwnerId.safeParse(to).success) return this.refusal(from);
    store.setOwner(this.db, to);
    this.meta = { ...this.meta, ownerId: to };
    return ok({ moved: true });
  }

  /** The owner's 👍/👎 on one of the chat's assistant replies, changeable; null clears it (chat/feedback.ts). */
  rateReply(ownerId: string, messageId: string, vote: ReplyVote | null, now: number) {
    const refused = this.authorize(ownerId) ? this.admission.vote(now) : this.refusal(ownerId);
    if (refused) return refused;
    const rated = rateReply(this.db, this.recent().page.messages, { messageId, vote, now });
    if (rated.ok && rated.value.before !== vote) {
      // The page's copy and every open tab follow the stored vote: a reload or a second tab shows it pressed.
      this.recentCache?.setVote(messageId, vote);
      this.sockets.pushVote(messageId, vote);
    }
    return rated;
  }

  /** Overwrites the given session fields, within what a client may change (see patch-rules). */
  patch(ownerId: string, patch: SessionPatch, now: number): Result<ChatState> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    const tooFast = this.admission.patch(now);
    if (tooFast) return tooFast;
    const refused = patchRefusal(this.fields, patch);
    if (refused) return fail(refused.code, refused.message, refused.issues);
    const fieldsBefore = this.fields;
    this.applyFields(patch, now);
    this.announce([], fieldsBefore);
    return ok(this.snapshot(meta));
  }

  /** Forgets messages and fields; the session and its owner stay, and seqs are never reused. */
  clear(ownerId: string, now: number): Result<ChatState> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    this.ctx.storage.transactionSync(() => {
      store.deleteMessages(this.db, this.lastSeq);
      this.fields = EMPTY_SESSION_FIELDS;
      store.writeFields(this.db, this.fields, now);
    });
    this.meta = { ...meta, updatedAt: now };
    this.recentCache = store.RecentMessages.empty();
    this.sockets.resyncAll();
    return ok(this.snapshot(this.meta));
  }

  /**
   * Closes (a timestamp) or reopens (null) the hard gate of a soft delete.
   * Only the owner may; the D1 `chats` row is the record, this is the gate.
   */
  setDeleted(ownerId: string, deletedAt: number | null): Result<{ deletedAt: number | null }> {
    if (!this.meta || this.meta.ownerId !== ownerId) return notFound();
    store.setDeletedAt(this.db, deletedAt);
    this.meta = { ...this.meta, deletedAt };
    if (deletedAt !== null) this.sockets.closeAll();
    return ok({ deletedAt });
  }

  /**
   * Hard delete: reports the chat's unreported analytics first (throws if Analytics cannot take
   * them, so the purge tries again later and no count is lost), then drops every row and the
   * alarm, releasing the object's storage (billed until deleteAll), and closes every socket.
   * Internal: reached by the weekly cron over RPC, or over HTTP only with X-Internal-Key (see workers/internal.ts).
   */
  async destroy(): Promise<{ destroyed: boolean }> {
    const existed = this.meta !== null;
    if (existed && !(await this.report.flush(this.meta!.sessionId))) throw new Error("The chat's analytics could not be reported.");
    this.report.forget();
    this.sockets.closeAll();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.sockets.forgetTickets();
    this.meta = null;
    this.fields = EMPTY_SESSION_FIELDS;
    this.lastSeq = 0;
    this.recentCache = null;
    return { destroyed: existed };
  }

  /** The alarm reports the chat's analytics (its only use: lib/analytics/batch.ts). */
  override async alarm(): Promise<void> {
    return this.meta ? this.report.alarm(this.meta.sessionId) : undefined;
  }

  /**
   * A WebSocket upgrade, forwarded by the sidecar after it checked the
   * ticket. The owner must own this chat; anyone else is refused before the
   * upgrade. HTTP here is only for sockets: everything else is RPC.
   */
  override async fetch(request: Request): Promise<Response> {
    return this.sockets.open(request, clock.now(), (ownerId) => (this.authorize(ownerId) ? null : this.refusal(ownerId)));
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.sockets.receive(ws, message, this.socketSource(), clock.now());
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.sockets.closedByClient(ws, code);
  }

  override webSocketError(ws: WebSocket): void {
    this.sockets.closed(ws);
  }

  /** The owner's memory changed (durable-objects/student-memory.ts): a copy older than `version` is dropped. */
  memoryChanged(ownerId: string, version: number | null): void {
    this.memory.changed(ownerId, version);
  }

  /** The Center's push after a staff edit (durable-objects/center.ts): the next turn uses it. */
  centerChanged(snapshot: CenterSnapshot): void {
    this.center.changed(snapshot);
  }

  /** Bytes of SQLite storage this object holds (tests assert a hard delete frees it). */
  storageBytes(): number {
    return this.ctx.storage.sql.databaseSize;
  }

  /** Rows read and written by this instance so far (tests and the benchmark read it). */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** Open sockets by role (tests and the benchmark read it). */
  socketCount(): number {
    return this.ctx.getWebSockets().length;
  }

  /**
   * What every new student message passes, in order: the owner (a chat that
   * exists is theirs), a retry (answered from storage, never charged), a new
   * chat's hourly limits, then the chat's own pace. `done` is the answer when
   * the message goes no further; otherwise the rows counted so far and whether
   * the chat is born with it.
   */
  private async admit(
    ownerId: string,
    messageId: string,
    now: number,
    client: ClientContext,
  ): Promise<{ done: Result<Stored> } | { isNew: boolean; before: RowCounts }> {
    const before = this.db.counts();
    const isNew = this.meta === null;
    if (!isNew) {
      if (!this.authorize(ownerId)) return { done: this.refusal(ownerId) };
      const known = store.findKeyed(this.db, messageId);
      if (known) return { done: ok(this.stored(known, { sessionCreated: false, touchList: false, before })) };
    }
    const refused = (isNew ? await this.admission.newChat(ownerId, client, now) : null) ?? this.admission.message(now);
    return refused ? { done: refused } : { isNew, before };
  }

  private authorize(ownerId: string): SessionMeta | null {
    return this.meta && this.meta.ownerId === ownerId && this.meta.deletedAt === null ? this.meta : null;
  }

  /** Why `authorize` said no: the owner learns their chat is in the trash; anyone else learns nothing. */
  private refusal(ownerId: string): Result<never> {
    if (this.meta && this.meta.ownerId === ownerId && this.meta.deletedAt !== null) {
      return fail("gone:chat", "This chat is in the trash. Restore it to continue.");
    }
    return notFound();
  }

  private create(ownerId: string, sessionId: string, now: number, listed: boolean): void {
    store.insertSession(this.db, { sessionId, ownerId, now, memory: this.memory.unstored(ownerId), listedAt: listed ? now : null, center: this.center.unstored() });
    this.meta = { sessionId, ownerId, createdAt: now, updatedAt: now, deletedAt: null };
    this.fields = EMPTY_SESSION_FIELDS;
    this.recentCache = store.RecentMessages.empty();
  }

  /** Inserts messages at the next seqs; a keyed id already stored is skipped. Returns what was added. */
  private insert(messages: store.NewMessage[], now: number): ChatMessage[] {
    const added: ChatMessage[] = [];
    for (const message of messages) {
      const stored = store.insertMessage(this.db, this.lastSeq + 1, message, now);
      if (!stored) continue;
      this.lastSeq = stored.seq;
      added.push(stored);
    }
    this.recentCache?.push(added);
    if (added.length > 0 && this.meta) this.meta = { ...this.meta, updatedAt: now };
    return added;
  }

  /** Writes the session row only when the fields really change (one row, else none). */
  private applyFields(patch: Partial<SessionFields>, now: number): void {
    const next = { ...this.fields, ...patch };
    if (store.sameFields(next, this.fields)) return;
    store.writeFields(this.db, next, now);
    this.fields = next;
    if (this.meta) this.meta = { ...this.meta, updatedAt: now };
  }

  /** Pushes new messages, and the fields if they changed, to every open tab. */
  private announce(added: ChatMessage[], fieldsBefore: SessionFields): void {
    this.sockets.pushMessages(added);
    if (this.fields !== fieldsBefore && this.meta) this.sockets.pushState(this.fields, this.meta.updatedAt);
  }

  private stored(message: ChatMessage, input: StoredInput): Stored {
    return storedAnswer(message, this.snapshot(this.meta!), { ...input, after: this.db.counts() });
  }

  private recent(): store.RecentMessages {
    this.recentCache ??= store.RecentMessages.load(this.db);
    return this.recentCache;
  }

  private messagesAfter(after: number, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const cached = this.recent().after(after);
    if (cached) return { messages: cached.slice(0, limit), hasMore: cached.length > limit };
    return store.messagesAfter(this.db, after, limit);
  }

  private socketSource(): SocketSource {
    return {
      lastSeq: () => this.lastSeq,
      messagesAfter: (after, limit) => this.messagesAfter(after, limit),
      fields: () => ({ fields: this.fields, updatedAt: this.meta?.updatedAt ?? 0 }),
      answeredSeq: () => store.answeredSeq(this.recent().page.messages),
    };
  }

  private snapshot(meta: SessionMeta): ChatState {
    const { messages, hasOlder } = this.recent().page;
    return {
      sessionId: meta.sessionId,
      ...this.fields,
      messages,
      hasOlder,
      lastSeq: this.lastSeq,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
    };
  }
}

function notFound(): Result<never> {
  return fail("not_found:session", "No chat session with that id belongs to you.");
}

