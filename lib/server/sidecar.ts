import { getCloudflareContext } from "@opennextjs/cloudflare";
import { BindingChatSessionClient } from "./binding-chat-session-client";
import { UNAVAILABLE_MESSAGE } from "./call-sidecar";
import { AppError } from "../errors";
import type { SidecarApi } from "../sidecar-api";

async function env(): Promise<Partial<CloudflareEnv>> {
  return (await getCloudflareContext({ async: true })).env;
}

/** The sidecar behind the SIDECAR service binding, or 503 when this deployment has none. */
export async function getSidecar(): Promise<SidecarApi> {
  const binding = (await env()).SIDECAR;
  if (!binding) throw new AppError("persistence_unavailable:sidecar", UNAVAILABLE_MESSAGE);
  // An RPC stub to the sidecar's default entrypoint, which `implements SidecarApi` (checked there).
  // `wrangler types` can type the binding from both configs (Service<typeof Sidecar>), but that
  // pulls the sidecar's global Env into this program, where it clashes with the web worker's.
  return binding as unknown as SidecarApi;
}

export async function chatSessionClient(sessionId: string, ownerId: string, clientIp?: string) {
  return new BindingChatSessionClient(await getSidecar(), sessionId, ownerId, clientIp);
}

export async function getOwnerSecret(): Promise<string> {
  const secret = (await env()).OWNER_COOKIE_SECRET;
  if (!secret) {
    console.error("[owner] OWNER_COOKIE_SECRET is not set: run `npm run setup` or `wrangler secret put OWNER_COOKIE_SECRET`");
    throw new AppError("internal:server", "The server is not configured. Please try again later.");
  }
  return secret;
}
