import { z } from "../../lib/zod";
import type { Result } from "../../lib/errors";
import { LIMITS, takeFromBucket, type BucketState } from "../../lib/rate-limits";
import type { ChatMessage, MessageAuthor, ReplyVote, SessionFields } from "../../lib/schemas";
import { activityFrame, ClientFrame, SocketRole, type ServerFrame } from "../../lib/socket-frames";
import { clock } from "../../lib/time";
import { CLOSE, MAX_CLIENT_FRAME_CHARS, MAX_RESUME, RESUME_PAGE } from "../../lib/socket-protocol";
import type { CountingSql } from "../sql";
import { UsedTickets } from "../used-tickets";

/**
 * The live side of one chat: its hibernating WebSockets. The object accepts
 * sockets with `ctx.acceptWebSocket` (so an idle socket costs no duration),
 * keeps per-socket state in the attachment (it survives hibernation), and
 * pushes every new message, state change, typing notice, read receipt and
 * presence change. Nothing here writes storage: typing and receipts are
 * relayed and kept in memory and attachments only.
 */

/** Per-socket state, serialized with the socket so it survives hibernation (well under 2 KB). */
const Attachment = z.object({
  ownerId: z.string(),
  role: SocketRole,
  /** Seq of the newest message this socket was sent; null until its hello. */
  cursor: z.number().int().nullable(),
  /** The newest seq this socket's user has seen. */
  read: z.number().int(),
});
type Attachment = z.infer<typeof Attachment>;

/** What the hub needs from its chat to catch a socket up. */
export interface SocketSource {
  lastSeq(): number;
  /** Messages strictly after `after`, oldest first, at most `limit`. */
  messagesAfter(after: number, limit: number): { messages: ChatMessage[]; hasMore: boolean };
  fields(): { fields: SessionFields; updatedAt: number };
  /** The newest student message already answered: read by whoever answered it. */
  answeredSeq(): number;
}

export class ChatSockets {
  /** The other side (bot or staff) has read up to here; memory only (rebuilt from the history after eviction). */
  private agentRead = 0;
  /** The assistant (an outside bot or staff holding a lease) is typing until then. */
  private agentTypingUntil: number | null = null;
  /** Who that is, when a person: the typing line names them. */
  private agentTypingAuthor: MessageAuthor | undefined;
  private studentTypingUntil: number | null = null;
  /** Each open socket's frame bucket (LIMITS.chatFramesPerSocket): memory only, so a woken object starts them full. */
  private readonly frames = new Map<WebSocket, BucketState>();

  /** The tickets spent here, kept in the chat's storage until they expire (durable-objects/used-tickets.ts). */
  private readonly tickets: UsedTickets;

  constructor(
    private readonly ctx: DurableObjectState,
    db: CountingSql,
  ) {
    this.tickets = new UsedTickets(db);
  }

  /** The chat's storage was deleted (a hard delete): no spent ticket is remembered any more. */
  forgetTickets(): void {
    this.tickets.forget();
  }

  /**
   * A socket upgrade the sidecar forwarded after checking its ticket: a
   * ticket already spent here is refused, then `refuse` says whether its owner
   * may open this chat (404 for anyone else, 410 in the trash); only then is
   * the ticket spent, durably (one ticket, one socket, even after a restart).
   */
  open(request: Request, now: number, refuse: (ownerId: string) => Result<never> | null): Response {
    const admitted = this.tickets.admit(request, now, (ownerId) => {
      const refusal = refuse(ownerId);
      if (!refusal || refusal.ok) return null;
      const gone = refusal.error.code === "gone:chat";
      return Response.json({ error: { code: gone ? "gone" : "not_found", message: refusal.error.message } }, { status: gone ? 410 : 404 });
    });
    return admitted instanceof Response ? admitted : this.accept(admitted.ownerId, "student");
  }

  /** Accepts a socket for `ownerId`; it receives nothing until its hello. */
  accept(ownerId: string, role: SocketRole): Response {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [`role:${role}`]);
    const attachment: Attachment = { ownerId, role, cursor: null, read: 0 };
    server.serializeAttachment(attachment);
    this.broadcastPresence();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** One frame from a socket: validated, then acted on; a bad frame gets an error frame and changes nothing. */
  receive(ws: WebSocket, data: string | ArrayBuffer, source: SocketSource, now: number): void {
    const attachment = attachmentOf(ws);
    if (!attachment) return ws.close(1011, "unknown socket");
    // Every frame wakes the object, a valid one or not: past its socket's limit, the socket is closed
    // (the client reconnects with a new ticket, itself limited per owner and per address).
    const { decision, state } = takeFromBucket(LIMITS.chatFramesPerSocket, this.frames.get(ws) ?? null, now);
    this.frames.set(ws, state);
    if (!decision.allowed) {
      this.frames.delete(ws);
      return ws.close(CLOSE.tooManyFrames, "too many frames");
    }
    // Refused before parsing: a frame of megabytes is not worth reading.
    if (typeof data !== "string" || data.length > MAX_CLIENT_FRAME_CHARS) {
      return send(ws, { v: 1, type: "error", code: "bad_request", message: `Frames are JSON text of at most ${MAX_CLIENT_FRAME_CHARS} characters.` });
    }
    let parsed: ReturnType<typeof ClientFrame.safeParse>;
    try {
      parsed = ClientFrame.safeParse(JSON.parse(data));
    } catch {
      return send(ws, { v: 1, type: "error", code: "bad_request", message: "Frames are JSON text." });
    }
    if (!parsed.success) {
      return send(ws, { v: 1, type: "error", code: "bad_request", message: "That frame is not one this chat understands (v: 1)." });
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "hello":
        return this.resume(ws, attachment, frame.after, source);
      case "typing":
        return this.typing(attachment.role, frame.typing ? now + TYPING_TTL_MS : null);
      case "read":
        return this.read(ws, attachment, Math.min(frame.seq, source.lastSeq()), source);
    }
  }

  /** Sends new messages to every socket that has said hello, continuing exactly after its cursor. */
  pushMessages(added: ChatMessage[]): void {
    if (added.length === 0) return;
    const firstSeq = added[0]!.seq;
    const lastSeq = added.at(-1)!.seq;
    // An answer ends the assistant's typing; a student's message ends theirs.
    if (added.some((message) => message.role === "assistant")) {
      this.agentTypingUntil = null;
      this.agentTypingAuthor = undefined;
    }
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = attachmentOf(ws);
      if (!attachment || attachment.cursor === null) continue;
      // Still paging through a resume: its next hello picks these up in order.
      if (attachment.cursor < firstSeq - 1) continue;
      const fresh = added.filter((message) => message.seq > attachment.cursor!);
      if (fresh.length === 0) continue;
      send(ws, { v: 1, type: "messages", messages: fresh, lastSeq, caughtUp: true });
      save(ws, { ...attachment, cursor: lastSeq });
    }
  }

  pushState(fields: SessionFields, updatedAt: number): void {
    this.broadcast({ v: 1, type: "state", fields, updatedAt });
  }

  /** A reply's 👍/👎 changed (null: cleared): every tab shows the stored vote. */
  pushVote(messageId: string, vote: ReplyVote | null): void {
    this.broadcast({ v: 1, type: "vote", messageId, vote });
  }

  /** A bot or a person (`author`: a staff member, named) took the student's message: they have read the chat and are now writing. */
  agentWorking(readUpTo: number, until: number, author?: MessageAuthor): void {
    this.agentRead = Math.max(this.agentRead, readUpTo);
    this.agentTypingUntil = until;
    this.agentTypingAuthor = author;
    this.broadcast({ ...activityFrame("assistant", until, clock.now()), ...(author ? { author } : {}) });
    this.broadcastReceipts();
  }

  /** The chat is gone (trash or hard delete): tell every socket and close it. */
  closeAll(): void {
    for (const ws of this.ctx.getWebSockets()) {
      send(ws, { v: 1, type: "gone" });
      try {
        ws.close(CLOSE.gone, "chat gone");
      } catch {
        // already closing
      }
    }
  }

  /** The history changed under every socket (clear): each reloads the state and says hello again. */
  resyncAll(): void {
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = attachmentOf(ws);
      if (!attachment || attachment.cursor === null) continue;
      send(ws, { v: 1, type: "resync" });
      save(ws, { ...attachment, cursor: null });
    }
  }

  /** A socket closed or failed: its frame bucket goes, and the others learn who is still here. */
  closed(ws: WebSocket): void {
    this.frames.delete(ws);
    this.broadcastPresence(ws);
  }

  /** The client closed `ws` with `code`: the others hear of it, and the close is answered (1005/1006 are not codes to send). */
  closedByClient(ws: WebSocket, code: number): void {
    this.closed(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
  }

  private resume(ws: WebSocket, attachment: Attachment, after: number, source: SocketSource): void {
    const lastSeq = source.lastSeq();
    if (after > lastSeq || lastSeq - after > MAX_RESUME) {
      // A cursor from the future (another chat, a reset) or too far behind to page cheaply.
      send(ws, { v: 1, type: "resync" });
      return save(ws, { ...attachment, cursor: null });
    }
    let cursor = after;
    // Synchronous reads and sends: no message can be appended in between, so no gap and no repeat.
    for (;;) {
      const page = source.messagesAfter(cursor, RESUME_PAGE);
      cursor = page.messages.at(-1)?.seq ?? cursor;
      send(ws, { v: 1, type: "messages", messages: page.messages, lastSeq: cursor, caughtUp: !page.hasMore });
      if (!page.hasMore) break;
    }
    save(ws, { ...attachment, cursor: lastSeq });
    const { fields, updatedAt } = source.fields();
    send(ws, { v: 1, type: "state", fields, updatedAt });
    this.agentRead = Math.max(this.agentRead, source.answeredSeq());
    send(ws, this.receipts());
    const typing = attachment.role === "student" ? this.agentTypingUntil : this.studentTypingUntil;
    const author = attachment.role === "student" && this.agentTypingAuthor ? { author: this.agentTypingAuthor } : {};
    if (typing !== null) send(ws, { ...activityFrame(attachment.role === "student" ? "assistant" : "student", typing, clock.now()), ...author });
    send(ws, this.presence());
  }

  /** Typing is relayed to the other side only: a student's tabs need not see their own typing. */
  private typing(role: SocketRole, until: number | null): void {
    if (role === "student") {
      this.studentTypingUntil = until;
      this.broadcast(activityFrame("student", until, clock.now()), "staff");
    } else {
      // A staff socket's typing: keeps the name of whoever holds the message, if a person does.
      this.agentTypingUntil = until;
      const author = until !== null && this.agentTypingAuthor ? { author: this.agentTypingAuthor } : {};
      this.broadcast({ ...activityFrame("assistant", until, clock.now()), ...author }, "student");
    }
  }

  private read(ws: WebSocket, attachment: Attachment, seq: number, source: SocketSource): void {
    if (seq <= attachment.read) return;
    save(ws, { ...attachment, read: seq });
    if (attachment.role === "staff") this.agentRead = Math.max(this.agentRead, seq);
    this.agentRead = Math.max(this.agentRead, source.answeredSeq());
    this.broadcastReceipts();
  }

  private receipts(): ServerFrame {
    let student = 0;
    for (const ws of this.ctx.getWebSockets("role:student")) student = Math.max(student, attachmentOf(ws)?.read ?? 0);
    return { v: 1, type: "receipts", student, agent: this.agentRead };
  }

  private broadcastReceipts(): void {
    this.broadcast(this.receipts());
  }

  private presence(except?: WebSocket): ServerFrame {
    const open = (role: SocketRole) => this.ctx.getWebSockets(`role:${role}`).filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN).length;
    return { v: 1, type: "presence", students: open("student"), staff: open("staff") };
  }

  private broadcastPresence(except?: WebSocket): void {
    this.broadcast(this.presence(except), undefined, except);
  }

  /** To every socket that has said hello (optionally of one role). */
  private broadcast(frame: ServerFrame, role?: SocketRole, except?: WebSocket): void {
    for (const ws of this.ctx.getWebSockets(role ? `role:${role}` : undefined)) {
      if (ws === except || attachmentOf(ws)?.cursor === null) continue;
      send(ws, frame);
    }
  }
}

/** How long "typing" shows after the last keystroke notice, unless renewed. */
export const TYPING_TTL_MS = 6_000;

function attachmentOf(ws: WebSocket): Attachment | null {
  const parsed = Attachment.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : null;
}

function save(ws: WebSocket, attachment: Attachment): void {
  ws.serializeAttachment(attachment);
}

/** Sends a frame; a socket that is closing is skipped (its close handler tidies up). */
function send(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // closed under us
  }
}
