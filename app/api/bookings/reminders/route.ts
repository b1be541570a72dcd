import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { ReminderPreference } from "@/lib/mail/reminder-preference";

/** Whether the caller turned session reminders off. */
export function GET(request: Request) {
  return handle("GET booking reminders", async () => {
    const { owner, sidecar } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.reminderPreference(owner.id)), { owner });
  });
}

/** Reminders off or on for the caller's bookings made from now on. */
export function PUT(request: Request) {
  return handle("PUT booking reminders", async () => {
    const body = await readJsonBody(request, ReminderPreference);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.setReminderPreference(owner.id, body, client), { idempotent: true }), { owner });
  });
}
