import { callerOf, requireSameOrigin } from "./http";
import { identifyOwner, type Owner } from "./owner-cookie";
import { getOwnerSecret, getSidecar } from "./sidecar";
import type { ClientIp, SidecarApi } from "../sidecar-api";

/**
 * Reaches the sidecar (503 without it) and identifies the caller, for routes scoped to an owner;
 * `client` is the caller's address, which every write passes on for its limit by address.
 */
export async function openOwnerRoute(request: Request): Promise<{ owner: Owner; sidecar: SidecarApi; client: ClientIp | undefined }> {
  requireSameOrigin(request);
  const sidecar = await getSidecar();
  const owner = await identifyOwner(request, await getOwnerSecret());
  return { owner, sidecar, client: callerOf(request) };
}
