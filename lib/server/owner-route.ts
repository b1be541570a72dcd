import { AppError } from "../errors";
import { OwnerId } from "../schemas";
import { callerOf, requireSameOrigin } from "./http";
import { ownerWithCookie, type Owner } from "./owner-cookie";
import { identifyVisitor } from "./visitor";
import { getOwnerSecret, getSidecar } from "./sidecar";
import type { ClientIp, SidecarApi } from "../sidecar-api";

/**
 * Reaches the sidecar (503 without it) and identifies the caller, for routes scoped to an owner;
 * `client` is the caller's address, which every write passes on for its limit by address.
 */
export async function openOwnerRoute(request: Request): Promise<{ owner: Owner; sidecar: SidecarApi; client: ClientIp | undefined }> {
  requireSameOrigin(request);
  const sidecar = await getSidecar();
  const owner = await identifyVisitor(request, await getOwnerSecret(), sidecar);
  return { owner, sidecar, client: callerOf(request) };
}

/**
 * The browser's new owner after "Forget me": the id the sidecar answered, signed into the cookie
 * (the old id is refused from then on). An id that is not one is the sidecar's fault, not the caller's.
 */
export async function rotatedOwner(request: Request, newOwnerId: string): Promise<Owner> {
  const id = OwnerId.safeParse(newOwnerId);
  if (!id.success) throw new AppError("internal:server", "Your data was deleted, but this browser could not be given a new identity. Please reload the page.");
  return ownerWithCookie(request, id.data, await getOwnerSecret());
}
