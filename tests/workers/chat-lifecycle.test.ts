import { exports } from "cloudflare:workers";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DAY_MS, GRACE_DAYS } from "../../lib/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { restoreChat, softDeleteChat } from "../../services/db/chats";
import { insertChat, newOwnerId, newSessionId, seedCatalog, setTier, TEST_NOW, unwrapOk } from "./helpers";

const sidecar = exports.default as unknown as SidecarApi;
const NOW = TEST_NOW;



describe("soft delete and restore", () => {
  it("closes the chat's gate on delete and reopens it on restore", async () => {
    await seedCatalog();
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "Help with Python please" }));
    expect(unwrapOk(await sidecar.listChats(ownerId, false)).map((chat) => chat.id)).toEqual([sessionId]);

    const deleted = unwrapOk(await sidecar.deleteChat(sessionId, ownerId));
    expect(deleted.purgeAt).toBe(deleted.deletedAt! + GRACE_DAYS.free * DAY_MS);
    expect(await sidecar.getState(sessionId, ownerId)).toMatchObject({ ok: false, error: { code: "gone:chat" } });
    expect(await sidecar.sendMessage(sessionId, ownerId, { content: "still there?" })).toMatchObject({ ok: false, error: { code: "gone:chat" } });
    expect(unwrapOk(await sidecar.listChats(ownerId, true)).map((chat) => chat.id)).toEqual([sessionId]);
    // Another owner can neither see nor restore it.
    const stranger = newOwnerId();
    expect(await sidecar.restoreChat(sessionId, stranger)).toMatchObject({ ok: false, error: { code: "not_found:chat" } });
    expect(await sidecar.deleteChat(sessionId, stranger)).toMatchObject({ ok: false });

    unwrapOk(await sidecar.restoreChat(sessionId, ownerId));
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(state.messages[0]?.content).toBe("Help with Python please");
    expect(unwrapOk(await sidecar.listChats(ownerId, true))).toEqual([]);
  });

  for (const tier of ["free", "pro", "premium"] as const) {
    it(`restores a ${tier} chat one day inside its ${GRACE_DAYS[tier]}-day window and refuses one day after`, async () => {
      const ownerId = newOwnerId();
      await setTier(ownerId, tier);
      const [inside, outside] = [newSessionId(), newSessionId()];
      await insertChat(inside, ownerId, null);
      await insertChat(outside, ownerId, null);
      const deletedAt = NOW - (GRACE_DAYS[tier] - 1) * DAY_MS;
      await softDeleteChat(env.DB, { id: inside, ownerId, now: deletedAt });
      await softDeleteChat(env.DB, { id: outside, ownerId, now: deletedAt - 2 * DAY_MS });

      expect(await restoreChat(env.DB, { id: inside, ownerId, now: NOW })).toMatchObject({ ok: true, chat: { id: inside, deletedAt: null } });
      expect(await restoreChat(env.DB, { id: outside, ownerId, now: NOW })).toEqual({ ok: false, reason: "expired" });
      const row = await env.DB.prepare("SELECT deleted FROM chats WHERE id = ?").bind(outside).first<{ deleted: number }>();
      expect(row?.deleted).toBe(1);
    });
  }
});

