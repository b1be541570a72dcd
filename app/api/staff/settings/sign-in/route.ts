import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff, requireStaffChange } from "@/lib/server/staff";
import { SsoSettingsBody } from "./schema";

/** Campus sign-in's settings, whether the deployment holds the client secret, and whether SSO is on (admins only). */
export function GET(request: Request) {
  return handle("GET staff sso settings", async () => {
    const { token } = await requireStaff(request, ["admin"]);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffSsoSettings(token)));
  });
}

/** An admin saves the provider's fields (no provider is contacted); the answer is the settings as stored. */
export function PUT(request: Request) {
  return handle("PUT staff sso settings", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const settings = await readJsonBody(request, SsoSettingsBody);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffUpdateSsoSettings(token, settings)));
  });
}

/** "Turn off": the issuer cleared, SSO off at once. */
export function DELETE(request: Request) {
  return handle("DELETE staff sso settings", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffTurnOffSso(token)));
  });
}
