import { callSidecar } from "@/lib/server/call-sidecar";
import { callerOf, handle, requireSameOrigin } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { readPasskeyAnswer, signedIn, staffSite } from "@/lib/server/staff";

/** Verifies a passkey assertion (attempts limited per address) and opens a staff session. */
export function POST(request: Request) {
  return handle("POST staff sign-in", async () => {
    requireSameOrigin(request);
    const { challengeId, response } = await readPasskeyAnswer(request);
    const sidecar = await getSidecar();
    const site = await staffSite();
    // Not repeated on a dropped call: the challenge is spent by the first attempt.
    const signed = await callSidecar(() => sidecar.staffSignIn(challengeId, response, site, callerOf(request)), { idempotent: false });
    return signedIn(request, signed);
  });
}
