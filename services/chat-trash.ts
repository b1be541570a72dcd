import { fail, ok, type Result } from "../lib/errors";
import type { ChatSummary } from "../lib/schemas";
import { restoreChat, softDeleteChat } from "./db/chats";
import type { chatSession } from "./objects";

/**
 * A chat to the trash and back (`DELETE /api/chats/[id]`, `POST …/restore`): D1's row decides,
 * then the chat's own object closes or opens its gate. D1 first, so a retry finishes a half-done step.
 */
type ChatStub = ReturnType<typeof chatSession>;

export async function trashChat(db: D1Database, stub: ChatStub, { id, ownerId, now }: { id: string; ownerId: string; now: number }): Promise<Result<ChatSummary>> {
  const chat = await softDeleteChat(db, { id, ownerId, now });
  if (!chat) return fail("not_found:chat", "You have no chat with that id.");
  // If closing the gate fails, a retry finds the row and closes it then.
  const gate = await stub.setDeleted(ownerId, chat.deletedAt ?? now);
  return gate.ok ? ok(chat) : gate;
}

export async function untrashChat(db: D1Database, stub: ChatStub, { id, ownerId, now }: { id: string; ownerId: string; now: number }): Promise<Result<ChatSummary>> {
  const restored = await restoreChat(db, { id, ownerId, now });
  if (restored.ok) {
    const gate = await stub.setDeleted(ownerId, null);
    return gate.ok ? ok(restored.chat) : gate;
  }
  if (restored.reason === "expired") return fail("gone:chat", "This chat was deleted too long ago to restore.");
  // Live in D1 but still closed in its object: an earlier restore stopped half-way. Finish it.
  if (restored.reason === "live") {
    const state = await stub.getState(ownerId);
    if (!state.ok && state.error.code === "gone:chat") {
      const gate = await stub.setDeleted(ownerId, null);
      return gate.ok ? ok(restored.chat) : gate;
    }
  }
  return fail("not_found:chat", "There is no chat with that id in your trash.");
}
