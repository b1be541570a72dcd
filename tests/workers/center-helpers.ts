import { FIRST_CENTER } from "../../lib/center/ids";
import { env, runInDurableObject } from "cloudflare:test";
import type { CenterSnapshot } from "../../lib/center/snapshot";
import { readCenterState } from "../../services/db/center";
import { centerObject } from "../../services/objects";

/**
 * The center as its Center object reads it (services/db/center.ts, one statement), straight from
 * `db`: for tests that run one built-in turn outside a chat and count its D1 statements.
 */
export async function freshCenter(db: D1Database = env.DB, center: string = FIRST_CENTER): Promise<CenterSnapshot> {
  return { version: 0, ...(await readCenterState(db, { center })), readAt: Date.now() };
}

/**
 * Tells the Center that D1 changed under it: what the staff pages do after every edit, for tests
 * that edit D1 by hand mid-test. Answers how many chats it told.
 */
export async function centerChangedByHand(center: string = FIRST_CENTER): Promise<number> {
  return (await centerObject(env, center).changed(center)).told;
}

/** How many chats the Center would push a change to now. */
export function centerSubscribers(center: string = FIRST_CENTER): Promise<number> {
  return centerObject(env, center).subscriberCount();
}

/** Rows the Center object has read and written since it woke. */
export function centerRows() {
  return runInDurableObject(centerObject(env), (instance) => instance.rowCounts());
}
