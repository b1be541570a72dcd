import { z } from "../zod";

/**
 * Centers (docs/centers.md). A center's id is part of every owner id made there, so whatever a
 * student owns — chats, bookings, memory, the bell, waitlist places — is one center's by who owns
 * it, and no store keyed by owner had to learn about centers. The web worker mints and accepts owner
 * ids only of the center its host name names (lib/server/center.ts); the sidecar takes the center of
 * a student's call from the owner id, of a staff call from the member, of a bot's from its token.
 */

/** The center the deployment's data belonged to before there were several; it answers every unclaimed host. */
export const FIRST_CENTER = "main";

/** Lower case letters, digits and hyphens, starting with a letter, 2 to 30 characters. */
export const CenterId = z.string().regex(/^[a-z][a-z0-9-]{1,29}$/, "2 to 30 lower-case letters, digits or hyphens, starting with a letter");
export type CenterId = z.infer<typeof CenterId>;

/** The center an owner id was made at: what follows its `.`, or the first center. */
export function centerOfOwner(ownerId: string): string {
  const dot = ownerId.lastIndexOf(".");
  return dot < 0 ? FIRST_CENTER : ownerId.slice(dot + 1);
}

/** A host name as centers are keyed by it: lower case, without a port or a trailing dot. */
export function hostKey(host: string): string {
  return host.trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
}
