import type { NewNotification } from "../lib/notifications/schemas";
import { notificationsOf } from "./objects";

export type NotifyEnv = Pick<Env, "NOTIFICATIONS">;

/**
 * Adds an in-app notification to the student's bell (pushed live to their open
 * tabs). Idempotent by `note.key` (booking × event × sequence), so a retried
 * effect adds nothing. Never throws: whatever it follows (a booking, a cancel,
 * a sent reminder) has happened either way, so a failure is logged and that is
 * all. One Durable Object call.
 */
export async function notifyStudent(env: Partial<NotifyEnv> | undefined, ownerId: string, note: NewNotification): Promise<boolean> {
  if (!env?.NOTIFICATIONS) return false;
  try {
    const added = await notificationsOf(env as NotifyEnv, ownerId).add(ownerId, note);
    if (!added.ok) console.error("[notify] not added for", note.key, added.error.message);
    return added.ok && added.value.added;
  } catch (error) {
    console.error("[notify] not added for", note.key, error);
    return false;
  }
}
