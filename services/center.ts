import { centerObject } from "./objects";

/**
 * After a staff edit of what a center's snapshot holds (settings, hours, closed dates, persona, the
 * reader, who teaches what, aliases) is committed to D1: that center's Center (and no other) reads D1 once and pushes the new
 * snapshot to every chat that holds one, before the edit is answered, so the student's next turn
 * anywhere sees it. Never fails the edit: should the Center be unreachable, its hourly read brings
 * the change within the hour (durable-objects/center.ts).
 */
export async function announceCenterChange(env: Pick<Env, "CENTER">, center: string): Promise<void> {
  await centerObject(env, center)
    .changed(center)
    .catch((error: unknown) => console.error("[center] could not announce a change; the hourly read will bring it", error));
}
