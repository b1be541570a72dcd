import { z } from "../lib/zod";
import { fromBase64Url, toBase64Url } from "../lib/base64url";
import { SOCKET_TICKET_TTL_MS } from "../lib/socket-protocol";
import { derivedHmacKey } from "../lib/derived-key";

/**
 * Socket tickets. A browser cannot put headers on a WebSocket, and the sidecar
 * does not hold the owner cookie's key, so the web worker (which verified the
 * cookie) asks the sidecar for a ticket over RPC and the browser puts it in the
 * socket URL. A chat ticket names one chat and one owner (a notifications ticket: the
 * owner's bell, `sessionId` "notifications"), lives 60 s, and is used
 * once (the chat's object remembers the nonces it has seen until they expire).
 *
 * Stateless: an HMAC with a key derived from INTERNAL_KEY, so minting and
 * checking one costs no Durable Object call and no storage row.
 */

const Claims = z.object({ s: z.string(), o: z.string(), e: z.number().int(), n: z.string() });
export interface TicketClaims {
  sessionId: string;
  ownerId: string;
  expiresAt: number;
  nonce: string;
}

const encoder = new TextEncoder();

/**
 * What a ticket opens: a chat's socket, or the student's notification bell. Each purpose signs
 * with its own derived key, so a chat ticket can never open the bell's socket, nor the reverse.
 */
export type TicketPurpose = "chat" | "notifications";
const PURPOSE_LABEL: Record<TicketPurpose, string> = {
  chat: "tutor-chat socket ticket v1",
  notifications: "tutor-chat notifications socket ticket v1",
};

function ticketKey(internalKey: string, purpose: TicketPurpose): Promise<CryptoKey> {
  // A key of its own, derived from INTERNAL_KEY, so a ticket can never stand in for the key itself.
  return derivedHmacKey(internalKey, PURPOSE_LABEL[purpose]);
}

export async function mintTicket(
  internalKey: string,
  input: { sessionId: string; ownerId: string; now: number },
  purpose: TicketPurpose = "chat",
): Promise<{ ticket: string; expiresAt: number }> {
  const expiresAt = input.now + SOCKET_TICKET_TTL_MS;
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(12)));
  const payload = toBase64Url(encoder.encode(JSON.stringify({ s: input.sessionId, o: input.ownerId, e: expiresAt, n: nonce })));
  const signature = await crypto.subtle.sign("HMAC", await ticketKey(internalKey, purpose), encoder.encode(payload));
  return { ticket: `${payload}.${toBase64Url(new Uint8Array(signature))}`, expiresAt };
}

/** The ticket's claims if its signature holds and it has not expired; null otherwise (never throws). */
export async function verifyTicket(internalKey: string, ticket: string | null, now: number, purpose: TicketPurpose = "chat"): Promise<TicketClaims | null> {
  if (!ticket || ticket.length > 512) return null;
  const [payload, signatureText, extra] = ticket.split(".");
  if (!payload || !signatureText || extra !== undefined) return null;
  const signature = fromBase64Url(signatureText);
  if (!signature) return null;
  const valid = await crypto.subtle.verify("HMAC", await ticketKey(internalKey, purpose), signature, encoder.encode(payload));
  if (!valid) return null;
  const bytes = fromBase64Url(payload);
  if (!bytes) return null;
  let claims: z.infer<typeof Claims>;
  try {
    const parsed = Claims.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!parsed.success) return null;
    claims = parsed.data;
  } catch {
    return null;
  }
  if (claims.e <= now) return null;
  return { sessionId: claims.s, ownerId: claims.o, expiresAt: claims.e, nonce: claims.n };
}
