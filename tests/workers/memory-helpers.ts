import { exports } from "cloudflare:workers";
import { env } from "cloudflare:test";
import { expect, vi } from "vitest";
import type { StudentFact } from "../../lib/memory/schemas";
import type { ChatState } from "../../lib/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { newOwnerId, newSessionId, unwrapOk } from "./helpers";
import { studentMemory } from "../../services/objects";

/** What the student-memory suites share: a chat turn, its replies, a fact landing, a booking made by chat. */

// The sidecar's default entrypoint, called over RPC exactly as the web worker's binding does.
export const sidecar = exports.default as unknown as SidecarApi;

export async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

/** The assistant's replies to the newest student message, one per line. */
export function lastReplies(state: ChatState): string {
  const question = state.messages.findLastIndex((message) => message.role === "user");
  return state.messages
    .slice(question + 1)
    .map((message) => message.content)
    .join("\n");
}

export async function facts(ownerId: string): Promise<StudentFact[]> {
  return unwrapOk(await studentMemory(env, ownerId).recall(ownerId)).facts;
}

/** Learning runs after the reply, un-awaited: wait for the fact to land (polled, never slept on). */
export async function learned(ownerId: string, id: string): Promise<StudentFact> {
  return vi.waitFor(async () => {
    const fact = (await facts(ownerId)).find((entry) => entry.id === id);
    if (!fact) throw new Error(`not learned yet: ${id}`);
    return fact;
  }, { timeout: 10_000, interval: 20 });
}

/**
 * What a memory object that never stored anything reports: workerd's empty database is one
 * 4,096-byte page locally (a deleteAll leaves the same); Cloudflare bills nothing for it.
 */
export async function emptyBytes(): Promise<number> {
  return studentMemory(env, newOwnerId()).storageBytes();
}

/** One student books Python on Monday at 10 with the first tutor offered, from one chat. */
export async function bookPython(ownerId: string, name = "Ada Lovelace", email = "ada@example.edu") {
  const sessionId = newSessionId();
  await say(sessionId, ownerId, "I need help with Python on Monday at 10");
  await say(sessionId, ownerId, "Book this tutor");
  let state = await say(sessionId, ownerId, "yes");
  expect(state.bookingInfo?.step).toBe("contact");
  state = await say(sessionId, ownerId, `${name}, ${email}`);
  if (state.bookingInfo?.step === "details" && !state.bookingInfo.mode) state = await say(sessionId, ownerId, "online");
  if (state.bookingInfo?.step === "details") state = await say(sessionId, ownerId, "Recursion");
  expect(state.bookingInfo?.step).toBe("review");
  state = await say(sessionId, ownerId, "Confirm booking");
  expect(state.bookingInfo?.step).toBe("confirmed");
  return { sessionId, booking: state.bookingInfo! };
}

/** A new student at the booking form's review for the first Python tutor free on Monday at 10. */
export async function atReview(email = "ada@example.com") {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  await say(sessionId, ownerId, "I need help with Python on Monday at 10");
  await say(sessionId, ownerId, "Book this tutor");
  await say(sessionId, ownerId, "yes");
  await say(sessionId, ownerId, `Ada Lovelace, ${email}`);
  const state = await say(sessionId, ownerId, "Online. Recursion");
  expect(state.bookingInfo?.step).toBe("review");
  return { sessionId, ownerId, state, booking: state.bookingInfo! };
}
