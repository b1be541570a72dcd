import { requireSameOrigin } from "./http";
import { identifyOwner, type Owner } from "./owner-cookie";
import { getOwnerSecret, getSidecar } from "./sidecar";
import type { SidecarApi } from "../sidecar-api";

/** Reaches the sidecar (503 without it) and identifies the caller, for routes scoped to an owner. */
export async function openOwnerRoute(request: Request): Promise<{ owner: Owner; sidecar: SidecarApi }> {
  requireSameOrigin(request);
  const sidecar = await getSidecar();
  const owner = await identifyOwner(request, await getOwnerSecret());
  return { owner, sidecar };
}
