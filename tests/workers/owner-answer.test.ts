import { describe, expect, it } from "vitest";
import { newSessionId } from "./helpers";
import { sidecar } from "./staff-helpers";

/**
 * One answer for an owner id the web worker would never send, whichever method: the owner's own
 * methods say `bad_request:owner`; a chat's methods say the chat is not found (as for another owner's).
 */

const BAD_OWNERS = ["", "not an owner", "owner-XYZ", `owner-${"0".repeat(15)}`, `owner-${"a".repeat(65)}`, "OWNER-0123456789abcdef"];
const PREFERENCES = { changeEmails: true, reminders: true, reminderHoursOff: [] };

const OWNER_METHODS: [string, (ownerId: string) => Promise<unknown>][] = [
  ["listBookings", (owner) => sidecar.listBookings(owner)],
  ["cancelBooking", (owner) => sidecar.cancelBooking(owner, `bk-${"0".repeat(32)}`)],
  ["listChats", (owner) => sidecar.listChats(owner, false)],
  ["memoryFacts", (owner) => sidecar.memoryFacts(owner)],
  ["memoryForget", (owner) => sidecar.memoryForget(owner, "email")],
  ["memoryCorrect", (owner) => sidecar.memoryCorrect(owner, "email", "a@example.com")],
  ["forgetMe", (owner) => sidecar.forgetMe(owner)],
  ["notifications", (owner) => sidecar.notifications(owner)],
  ["notificationCount", (owner) => sidecar.notificationCount(owner)],
  ["markNotificationsRead", (owner) => sidecar.markNotificationsRead(owner, { all: true })],
  ["notificationSocketTicket", (owner) => sidecar.notificationSocketTicket(owner)],
  ["notificationPreferences", (owner) => sidecar.notificationPreferences(owner)],
  ["setNotificationPreferences", (owner) => sidecar.setNotificationPreferences(owner, PREFERENCES)],
  ["reminderPreference", (owner) => sidecar.reminderPreference(owner)],
  ["setReminderPreference", (owner) => sidecar.setReminderPreference(owner, { remindersOff: true })],
];

const CHAT_METHODS: [string, (ownerId: string) => Promise<unknown>][] = [
  ["getState", (owner) => sidecar.getState(newSessionId(), owner)],
  ["sendMessage", (owner) => sidecar.sendMessage(newSessionId(), owner, { content: "hi" })],
  ["issueSocketTicket", (owner) => sidecar.issueSocketTicket(newSessionId(), owner)],
  ["deleteChat", (owner) => sidecar.deleteChat(newSessionId(), owner)],
];

describe("a malformed owner id", () => {
  it.each(OWNER_METHODS)("%s answers bad_request:owner", async (_name, call) => {
    for (const owner of BAD_OWNERS) expect(await call(owner)).toMatchObject({ ok: false, error: { code: "bad_request:owner" } });
  });

  it.each(CHAT_METHODS)("%s answers not_found:session", async (_name, call) => {
    for (const owner of BAD_OWNERS) expect(await call(owner)).toMatchObject({ ok: false, error: { code: "not_found:session" } });
  });
});
