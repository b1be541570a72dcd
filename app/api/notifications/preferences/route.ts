import { callSidecar } from "@/lib/server/call-sidecar";
import { NotificationPreferencesInput } from "@/lib/notifications/schemas";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/** The caller's email choices against the center's reminder times. */
export function GET(request: Request) {
  return handle("GET notification preferences", async () => {
    const { owner, sidecar } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.notificationPreferences(owner.id)), { owner });
  });
}

/** Saves them (confirmations and changes; reminders at all; which reminder times). */
export function PUT(request: Request) {
  return handle("PUT notification preferences", async () => {
    const body = await readJsonBody(request, NotificationPreferencesInput);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.setNotificationPreferences(owner.id, body, client), { idempotent: true }), { owner });
  });
}
