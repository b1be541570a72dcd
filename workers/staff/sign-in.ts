import { generateAuthenticationOptions, verifyAuthenticationResponse } from "@simplewebauthn/server";
import { fromBase64Url } from "../../lib/base64url";
import { ok, type Result } from "../../lib/errors";
import { AuthenticationResponse, ChallengeId, STAFF_CHALLENGE_MS, StoredTransports, type StaffSignedIn, type StaffSignInOptions } from "../../lib/staff/schemas";
import { consumeStaffChallenge, findStaffPasskey, insertStaffChallenge, recordStaffSignIn } from "../../services/db/staff";
import { newStaffSessionToken, parseStaffSite, staffRefused } from "./sessions";
import { takeLimits } from "../../services/limits";

/**
 * Signing in with a passkey: options for `navigator.credentials.get`
 * (discoverable credentials: the browser offers whichever passkey it holds
 * for the site, so no email is typed and none is revealed), then the
 * assertion verified against the stored public key and counter.
 */

export async function staffSignInOptions({
  db,
  limiters,
  site,
  ip,
  now,
}: {
  db: D1Database;
  limiters: Env["RATE_LIMITER"];
  site: unknown;
  ip: string | null;
  now: number;
}): Promise<Result<StaffSignInOptions>> {
  const where = parseStaffSite(site);
  if (!where.ok) return where;
  // Each challenge is a row written: a flood of them is limited per address too (more loosely than sign-ins).
  const refused = await limitPerAddress(limiters, "staffChallengesPerIp", ip, now);
  if (refused) return refused;
  // "required": the authenticator checks the person (fingerprint, face, PIN), not only that someone touched it.
  const options = await generateAuthenticationOptions({ rpID: where.value.rpId, userVerification: "required", timeout: STAFF_CHALLENGE_MS });
  const challengeId = crypto.randomUUID();
  await insertStaffChallenge(db, { id: challengeId, challenge: options.challenge, purpose: "sign_in", inviteTokenHash: null, now, expiresAt: now + STAFF_CHALLENGE_MS });
  return ok({ options, challengeId });
}

/**
 * Verifies an assertion and opens a session. Limited per client address
 * first (the caller passes a usable, non-loopback IP or none). Whatever fails
 * after that (challenge, credential, origin, rpId, signature, counter, user
 * verification, a disabled member) answers the same 401, and only a spent challenge is
 * written.
 */
export async function staffSignIn({
  db,
  limiters,
  challengeId,
  response,
  site,
  ip,
  now,
}: {
  db: D1Database;
  limiters: Env["RATE_LIMITER"];
  challengeId: unknown;
  response: unknown;
  site: unknown;
  ip: string | null;
  now: number;
}): Promise<Result<StaffSignedIn>> {
  const where = parseStaffSite(site);
  if (!where.ok) return where;
  const refused = await limitPerAddress(limiters, "staffSignInsPerIp", ip, now);
  if (refused) return refused;
  const id = ChallengeId.safeParse(challengeId);
  const answer = AuthenticationResponse.safeParse(response);
  if (!id.success || !answer.success) return staffRefused();
  const challenge = await consumeStaffChallenge(db, { id: id.data, now });
  if (!challenge || challenge.purpose !== "sign_in") return staffRefused();
  const passkey = await findStaffPasskey(db, { credentialId: answer.data.id });
  const publicKey = passkey && fromBase64Url(passkey.publicKey);
  if (!passkey || !publicKey || passkey.disabledAt !== null) return staffRefused();

  // The library refuses a counter that did not grow (unless both are 0: authenticators that keep none).
  const verification = await verifyAuthenticationResponse({
    response: answer.data,
    expectedChallenge: challenge.challenge,
    expectedOrigin: where.value.origin,
    expectedRPID: where.value.rpId,
    credential: { id: passkey.credentialId, publicKey, counter: passkey.counter, transports: storedTransports(passkey.transports) },
    requireUserVerification: true,
  }).catch(() => null);
  if (!verification?.verified) return staffRefused();

  const session = await newStaffSessionToken(now);
  const opened = await recordStaffSignIn(db, {
    credentialId: passkey.credentialId,
    previousCounter: passkey.counter,
    counter: verification.authenticationInfo.newCounter,
    session: { tokenHash: session.tokenHash, expiresAt: session.expiresAt },
    now,
  });
  if (!opened) return staffRefused();
  return ok({ session: { token: session.token, expiresAt: session.expiresAt }, member: passkey.member });
}

/** Transports are a hint for the browser, never a reason to refuse: unreadable JSON reads as none. */
function storedTransports(json: string): string[] {
  try {
    return StoredTransports.catch([]).parse(JSON.parse(json));
  } catch {
    return [];
  }
}

/** One window per client address (none without a usable address, as for new chats). */
function limitPerAddress(limiters: Env["RATE_LIMITER"], rule: "staffSignInsPerIp" | "staffChallengesPerIp", ip: string | null, now: number): Promise<Result<never> | null> {
  return takeLimits({ RATE_LIMITER: limiters }, [[rule, ip]], now);
}
