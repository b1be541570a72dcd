import { ok, type Result } from "../lib/errors";
import { MAX_PAGE_SIZE } from "../lib/schemas";
import { listBookings } from "./db/bookings";
import { listChats } from "./db/chats";
import { readNotificationPreferences } from "./db/notification-preferences";
import { chatSession, notificationsOf, studentMemory } from "./objects";

/**
 * "Download my data": everything an owner id holds, as one JSON document. For a signed-in student
 * that is the account's owner, so it is the same on every device. Reads only: each chat's messages
 * (one call per chat, its pages read in turn), the bookings, the memory, the bell and the preferences.
 */

export type ExportEnv = Pick<Env, "DB" | "CHAT_SESSION" | "STUDENT_MEMORY" | "NOTIFICATIONS">;

/** The most messages read per chat page. */
const PAGE = MAX_PAGE_SIZE;

export async function exportOwner(env: ExportEnv, { ownerId, now }: { ownerId: string; now: number }): Promise<Result<Record<string, unknown>>> {
  const [live, trash, bookings, preferences, memory, bell] = await Promise.all([
    listChats(env.DB, { ownerId, trash: false }),
    listChats(env.DB, { ownerId, trash: true }),
    listBookings(env.DB, { ownerId }),
    readNotificationPreferences(env.DB, { ownerId }),
    studentMemory(env, ownerId).recall(ownerId),
    notificationsOf(env, ownerId).list(ownerId),
  ]);
  const chats = await Promise.all([...live, ...trash].map(async (chat) => ({ ...chat, messages: await chatMessages(env, chat.id, ownerId) })));
  return ok({
    exportedAt: new Date(now).toISOString(),
    chats,
    bookings,
    memory: memory.ok ? memory.value.facts : [],
    notifications: bell.ok ? bell.value.notifications : [],
    preferences,
  });
}

async function chatMessages(env: ExportEnv, chatId: string, ownerId: string) {
  const stub = chatSession(env, chatId);
  const messages: unknown[] = [];
  let after = 0;
  for (;;) {
    const page = await stub.listMessages(ownerId, { after, limit: PAGE });
    if (!page.ok) return messages;
    messages.push(...page.value.messages.map(({ id, role, content, createdAt }) => ({ id, role, content, createdAt })));
    if (!page.value.hasMore || page.value.messages.length === 0) return messages;
    after = page.value.lastSeq;
  }
}
