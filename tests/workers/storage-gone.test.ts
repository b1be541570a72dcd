import { FIRST_CENTER } from "../../lib/center/ids";
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import Sidecar from "../../workers/sidecar";
import { newOwnerId, newSessionId } from "./helpers";

/** The sidecar as the web worker reaches it, but over a D1 that has no tables (its storage is gone). */
const storageless = () => new Sidecar(createExecutionContext(), { ...env, DB: env.EMPTY_DB });

describe("a sidecar whose storage is gone", () => {
  it("answers persistence_unavailable (503), never an internal error", async () => {
    // (A student's message still lands: the chat lives in its Durable Object, and its D1 list
    // entry is re-made by the next message; that path is covered in integrity.test.ts.)
    const sidecar = storageless();
    const ownerId = newOwnerId();
    for (const answer of [
      await sidecar.listChats(ownerId, false),
      await sidecar.listBookings(ownerId),
      await sidecar.listTutors(FIRST_CENTER, "python"),
      await sidecar.cancelBooking(ownerId, "bk-0123456789abcdef0123456789abcdef"),
      await sidecar.deleteChat(newSessionId(), ownerId),
    ]) {
      expect(answer).toMatchObject({ ok: false, error: { code: "persistence_unavailable:storage" } });
    }
  });
});
