import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { SignInLinkRequest } from "../schema";

/**
 * Mails a one-time sign-in link (services/accounts.ts). 202 with the same words whether or not the
 * address has an account; 429 past the limits per address and per network; 503 without email.
 */
export function POST(request: Request) {
  return handle("POST account sign-in link", async () => {
    const body = await readJsonBody(request, SignInLinkRequest);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.requestSignInLink(body, owner.id, client), { idempotent: false }), { status: 202, owner });
  });
}
