import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { type ChatState, DirectoryQuery, MessageIdParam, MessagePageQuery, NewUserMessage, ReplyVote, SessionPatch } from "../../lib/schemas";
import { acceptUserMessage } from "../../services/assistant-turn";
import { searchDirectory, teachesSubject } from "../../services/db/catalog";
import { centerExists } from "../../services/db/center";
import { CenterId, centerOfOwner } from "../../lib/center/ids";
import { listChats } from "../../services/db/chats";
import { trashChat, untrashChat } from "../../services/chat-trash";
import { publicCenterPolicy } from "../staff/center-settings";
import { recordAnalytics } from "../../services/analytics";
import { mintTicket } from "../../services/socket-ticket";
import { clock } from "../../lib/time";
import { chatTrashTakes, usableIp, type Caller } from "../../services/limits";
import { BotsRpc } from "./bots";

/** A student's chats: messages, the chat's state and socket ticket, the trash, reply votes, and the public directory and rules. */
export class ChatsRpc extends BotsRpc {
  async ping(): Promise<"pong"> {
    return "pong";
  }

  async getState(sessionId: string, ownerId: string) {
    return this.withSession(sessionId, ownerId, (stub, owner) => stub.getState(owner));
  }

  async listMessages(sessionId: string, ownerId: string, query: MessagePageQuery) {
    const parsed = MessagePageQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid paging parameters.", zodIssues(parsed.error));
    return this.withSession(sessionId, ownerId, (stub, owner) => stub.listMessages(owner, parsed.data));
  }

  async sendMessage(sessionId: string, ownerId: string, message: NewUserMessage, client?: Caller) {
    const parsed = NewUserMessage.safeParse(message);
    if (!parsed.success) return fail("bad_request:body", "Invalid message.", zodIssues(parsed.error));
    const address = usableIp(client);
    return this.withSession(sessionId, ownerId, (_stub, owner, id) =>
      acceptUserMessage({ env: this.env, sessionId: id, ownerId: owner, message: parsed.data, now: clock.date(), client: address ? { address }: {}, waitUntil: this.waitUntil }),
    );
  }

  /**
   * A one-use, 60-second ticket for this chat's socket. The web worker calls it
   * after verifying the owner cookie; the chat's object checks ownership when
   * the socket arrives, so minting costs no Durable Object call.
   */
  async issueSocketTicket(sessionId: string, ownerId: string, client?: Caller) {
    return this.withSession(sessionId, ownerId, (_stub, owner, id) =>
      this.limited([["socketTicketsPerOwner", owner], ["writesPerIp", usableIp(client)]], async (now) => ok(await mintTicket(this.env.INTERNAL_KEY, { sessionId: id, ownerId: owner, now }))),
    );
  }

  /** The chat's own bucket limits PATCHes per chat; the address's is taken here first. */
  async patchState(sessionId: string, ownerId: string, patch: SessionPatch, client?: Caller) {
    const parsed = SessionPatch.safeParse(patch);
    if (!parsed.success) return fail("bad_request:body", "Invalid session fields.", zodIssues(parsed.error));
    return this.limited([["writesPerIp", usableIp(client)]], (now) =>
      this.withSession(sessionId, ownerId, async (stub, owner): Promise<Result<ChatState>> => {
        // A search's subject may name a booking's emails: only a subject some tutor teaches (D1, which the object's patch cannot await).
        const skill = parsed.data.searchCriteria?.skill;
        if (skill !== undefined && !(await teachesSubject(this.env.DB, { center: centerOfOwner(owner), skill }))) {
          return fail("bad_request:body", "Unknown subject.", [{ path: "searchCriteria.skill", message: "Not a subject any tutor teaches: the assistant sets it from the catalog." }]);
        }
        return stub.patch(owner, parsed.data, now);
      }),
    );
  }

  /** Sets, changes or (null) clears the owner's vote on one assistant reply; 404 for any other message. Counts a vote set or changed. */
  async rateReply(sessionId: string, ownerId: string, messageId: string, vote: ReplyVote | null, client?: Caller) {
    const id = MessageIdParam.safeParse(messageId);
    if (!id.success) return fail("not_found:message", "This chat has no assistant reply with that id.");
    const parsed = ReplyVote.nullable().safeParse(vote);
    if (!parsed.success) return fail("bad_request:body", "A vote is \"up\", \"down\" or null.", zodIssues(parsed.error));
    return this.limited([["writesPerIp", usableIp(client)]], (now) => this.withSession(sessionId, ownerId, async (stub, owner) => {
      const rated = await stub.rateReply(owner, id.data, parsed.data, now);
      if (!rated.ok) return rated;
      recordAnalytics(this.env, centerOfOwner(owner), rated.value.events, this.waitUntil, now);
      return ok({ messageId: rated.value.messageId, vote: rated.value.vote, kind: rated.value.kind });
    }));
  }


  async listChats(ownerId: string, trash: boolean) {
    return this.withOwner(ownerId, async (owner) => ok(await listChats(this.env.DB, { ownerId: owner, trash: trash === true })));
  }

  async deleteChat(sessionId: string, ownerId: string, client?: Caller) {
    return this.limited(chatTrashTakes(ownerId, client), (now) => this.withSession(sessionId, ownerId, (stub, owner, id) => trashChat(this.env.DB, stub, { id, ownerId: owner, now })));
  }

  async restoreChat(sessionId: string, ownerId: string, client?: Caller) {
    return this.limited(chatTrashTakes(ownerId, client), (now) => this.withSession(sessionId, ownerId, (stub, owner, id) => untrashChat(this.env.DB, stub, { id, ownerId: owner, now })));
  }


  /** The center's teaching tutors (public), optionally narrowed to a subject prefix; an unknown center is not found. */
  async listTutors(center: string, query: string) {
    const parsed = DirectoryQuery.safeParse({ q: query });
    if (!parsed.success) return fail("bad_request:query", "Invalid search.", zodIssues(parsed.error));
    const id = CenterId.safeParse(center);
    return this.guard(async () =>
      id.success && (await centerExists(this.env.DB, { center: id.data }))
        ? ok(await searchDirectory(this.env.DB, { center: id.data, query: parsed.data.q }))
        : fail("not_found:center", "There is no such center."),
    );
  }

  /** The center's booking rules and persona, which students decide by and the chat page greets with (no session: they are public). */
  async centerPolicy(center: string) {
    return this.guard(() => publicCenterPolicy(this.env, center));
  }
}
