import { centerOfOwner } from "../lib/center/ids";
import { allCenterIds } from "./db/center-list";
import { clearPendingCleanups, deleteChatNow, deleteExpiredChats, deleteOwnerChatsNow, ownerChatIds, recordCleanupFailures } from "./db/chats";
import { chatSession, messageQueue } from "./objects";

const BATCH = 100;

export interface HardDeleteSummary {
  /** Chats whose hard delete ran: this run's expired ones and any left pending by an earlier run. */
  deleted: number;
  cleaned: number;
  failed: number;
}

type CleanupEnv = Pick<Env, "DB" | "CHAT_SESSION" | "MESSAGE_QUEUE">;

/**
 * The weekly hard delete (cron `0 0 * * 0`): D1 forgets the expired chats and
 * records each as a pending cleanup in the same transaction; then every
 * pending chat's Durable Object empties itself (deleteAlarm + deleteAll, which
 * is what stops its storage being billed) and the MessageQueue forgets its
 * text. Only a cleanup that did both clears its record; a failure keeps it,
 * with the error, for the next run.
 */
export async function runHardDelete(env: CleanupEnv, now: number): Promise<HardDeleteSummary> {
  const { pending } = await deleteExpiredChats(env.DB, { now });
  const { failed } = await cleanUpChats(env, pending, now);
  const summary = { deleted: pending.length, cleaned: pending.length - failed, failed };
  console.log(`[hard-delete] deleted=${summary.deleted} cleaned=${summary.cleaned} failed=${summary.failed}`);
  return summary;
}

/** One chat, at once (the internal cleanup endpoint): the same steps as the weekly run. */
export async function hardDeleteChat(env: CleanupEnv, id: string, now: number): Promise<{ cleaned: boolean }> {
  await deleteChatNow(env.DB, { id, now });
  const { failed } = await cleanUpChats(env, [{ id, attempts: 0 }], now);
  return { cleaned: failed === 0 };
}

/** Chats per round of "Forget me": D1 binds at most 100 values a statement (the ids plus owner and time). */
const OWNER_BATCH = 90;

/**
 * Every chat of one owner, at once ("Forget me" on the memory page): 90 at a
 * time, D1 forgets them (pending cleanups recorded in the same batch) and then
 * each chat's object empties itself and the MessageQueue forgets its text, as
 * the weekly run does. A cleanup that fails stays pending for the weekly run.
 */
export async function hardDeleteOwnerChats(env: CleanupEnv, ownerId: string, now: number): Promise<HardDeleteSummary> {
  let deleted = 0;
  let failed = 0;
  for (;;) {
    const ids = await ownerChatIds(env.DB, { ownerId, limit: OWNER_BATCH });
    if (ids.length === 0) break;
    await deleteOwnerChatsNow(env.DB, { ownerId, ids, now });
    failed += (await cleanUpChats(env, ids.map((id) => ({ id, attempts: 0 })), now, [centerOfOwner(ownerId)])).failed;
    deleted += ids.length;
  }
  return { deleted, cleaned: deleted - failed, failed };
}

/** Empties the objects and the queue's copies, 100 chats at a time with settled promises. */
async function cleanUpChats(
  env: CleanupEnv,
  chats: { id: string; attempts: number }[],
  now: number,
  /** The centers whose queues may hold these chats' text (a chat id does not name its center): every center's, unless known. */
  centers?: string[],
): Promise<{ failed: number }> {
  if (chats.length === 0) return { failed: 0 };
  const queues = (centers ?? (await allCenterIds(env.DB))).map((center) => messageQueue(env, center));
  let failed = 0;
  for (let start = 0; start < chats.length; start += BATCH) {
    const batch = chats.slice(start, start + BATCH);
    const ids = batch.map(({ id }) => id);
    const [redacted, ...destroyed] = await Promise.allSettled([
      Promise.all(queues.map((queue) => queue.forgetSessions(ids))).then((answers) => answers.find((answer) => !answer.ok)),
      ...batch.map(({ id }) => chatSession(env, id).destroy()),
    ]);
    const queueError = redacted!.status === "rejected" ? reason(redacted!.reason) : (redacted!.value?.error.message ?? null);
    const failures: { id: string; attempts: number; error: string }[] = [];
    const done: string[] = [];
    batch.forEach((chat, index) => {
      const result = destroyed[index]!;
      const error = result.status === "rejected" ? reason(result.reason) : queueError;
      if (error) failures.push({ ...chat, error });
      else done.push(chat.id);
    });
    await clearPendingCleanups(env.DB, { ids: done });
    await recordCleanupFailures(env.DB, { failures, now });
    failed += failures.length;
  }
  return { failed };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
