import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "../zod";
import type { Lease, QueuedMessage } from "../queue/schemas";

/**
 * Staff sign-in with passkeys: every shape that crosses the SIDECAR binding
 * (the sidecar's `staff*` RPC methods, workers/staff/) and the rules both
 * workers share. The web worker keeps only the session token (in its own
 * cookie); D1 keeps hashes of tokens, never the tokens.
 */

/** How long a signed-in staff session lasts. */
export const STAFF_SESSION_MS = 12 * 60 * 60_000;
/** How long an invite link works (once). */
export const STAFF_INVITE_MS = 24 * 60 * 60_000;
/** How long the browser has to answer a WebAuthn challenge; also the options' `timeout`. */
export const STAFF_CHALLENGE_MS = 5 * 60_000;
/** What the browser's passkey prompt calls the site. */
export const STAFF_RP_NAME = "Tutoring Center staff";

export const StaffRole = z.enum(["admin", "staff", "tutor"]);
export type StaffRole = z.infer<typeof StaffRole>;

/** Lower-cased so one person is one member whatever they type (staff_members.email is UNIQUE and CHECKed lower). */
export const StaffEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** A bearer secret (session or invite token): 32 random bytes, base64url (lib/ids.ts `newSecretToken`). */
export const SecretToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "expected 32 bytes, base64url");

/** A stored WebAuthn challenge's id (a UUID): the web worker keeps it between the options and the answer. */
export const ChallengeId = z.uuid();

/**
 * Where the ceremony happens, as the web worker knows it: the page's exact
 * origin and the relying party id (its host, or a parent domain of it).
 * Passkeys are bound to the rpId, so it must stay the same across deploys.
 */
export const StaffSite = z
  .object({
    origin: z.string().max(200),
    rpId: z.string().min(1).max(253).regex(/^[a-z0-9.-]+$/, "expected a lower-case host name"),
  })
  .strict()
  .refine(({ origin, rpId }) => {
    const url = URL.canParse(origin) ? new URL(origin) : null;
    if (!url || url.origin !== origin) return false;
    // WebAuthn needs a secure context: https, or http on localhost for development.
    if (url.protocol !== "https:" && url.hostname !== "localhost") return false;
    return url.hostname === rpId || url.hostname.endsWith(`.${rpId}`);
  }, "origin must be an https origin on the rpId's host or below it");
export type StaffSite = z.infer<typeof StaffSite>;

/** A tutor's id in the catalog (`t-001`): what a tutor-role member is linked to. */
export const StaffTutorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "expected a tutor id such as t-001");

/**
 * `tutorId`: for role `tutor`, the tutor whose schedule and sessions they see. `displayName`: what
 * students see on their replies, if they set one (lib/staff/author.ts reads one from the email otherwise).
 */
/** `centerId`: the center they work for (lib/center/ids.ts); every staff call is that center's. */
export const StaffMember = z.object({ id: z.string(), centerId: z.string(), email: z.string(), role: StaffRole, tutorId: z.string().optional(), displayName: z.string().optional() });
export type StaffMember = z.infer<typeof StaffMember>;

/** A new session: the token goes into the staff cookie, and is never shown again. */
export const StaffSessionToken = z.object({ token: SecretToken, expiresAt: z.number().int() });

export const StaffSignedIn = z.object({ session: StaffSessionToken, member: StaffMember });
export type StaffSignedIn = z.infer<typeof StaffSignedIn>;

/** What a valid session says about who is calling. */
export const StaffSessionInfo = z.object({ member: StaffMember, expiresAt: z.number().int() });
export type StaffSessionInfo = z.infer<typeof StaffSessionInfo>;

/** A role and the tutor it links to: role `tutor` names the tutor, no other role does. */
export function withTutorRule<S extends z.ZodType<{ role: StaffRole; tutorId?: string | undefined }>>(schema: S) {
  return schema
    .refine(({ role, tutorId }) => role !== "tutor" || tutorId !== undefined, { path: ["tutorId"], message: "a tutor's role names the tutor (tutorId)" })
    .refine(({ role, tutorId }) => role === "tutor" || tutorId === undefined, { path: ["tutorId"], message: "only a tutor's role names a tutor" });
}

/** An admin's invite (the console's form and the RPC argument): a tutor's invite names the tutor, no other does. */
export const NewStaffInvite = withTutorRule(z.object({ email: StaffEmail, role: StaffRole, tutorId: StaffTutorId.optional() }).strict());
export type NewStaffInvite = z.infer<typeof NewStaffInvite>;

/** The one time the invite token is seen: the link is `/staff/invite/{inviteToken}`. */
export const StaffInviteCreated = z.object({ inviteToken: SecretToken, expiresAt: z.number().int() });
export type StaffInviteCreated = z.infer<typeof StaffInviteCreated>;

/** Options for `navigator.credentials.create`, made by the sidecar (no schema: we do not parse our own output). */
export type StaffInviteOptions = { options: PublicKeyCredentialCreationOptionsJSON; challengeId: string; email: string; role: StaffRole };
/** Options for `navigator.credentials.get`: discoverable credentials, so no `allowCredentials`. */
export type StaffSignInOptions = { options: PublicKeyCredentialRequestOptionsJSON; challengeId: string };

const Base64Url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*$/);
/** A passkey's credential id, base64url as the authenticator reports it (at most 1,023 bytes). */
export const CredentialId = z.string().min(1).max(1_366).regex(/^[A-Za-z0-9_-]+$/);
/** Extension outputs are the client's to report; we ask for none, keep them opaque and small. */
const ClientExtensionResults = z.object({}).loose();

/** What the browser's `credential.toJSON()` gives after `create` (RegistrationResponseJSON). */
export const RegistrationResponse = z.object({
  id: CredentialId,
  rawId: CredentialId,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: Base64Url,
    attestationObject: Base64Url,
    authenticatorData: Base64Url.optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: Base64Url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: ClientExtensionResults,
});

/** What the browser's `credential.toJSON()` gives after `get` (AuthenticationResponseJSON). */
export const AuthenticationResponse = z.object({
  id: CredentialId,
  rawId: CredentialId,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: Base64Url,
    authenticatorData: Base64Url,
    signature: Base64Url,
    userHandle: Base64Url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: ClientExtensionResults,
});

/** `staff_passkeys.transports`, JSON checked on the way out as on the way in. */
export const StoredTransports = z.array(z.string().max(32)).max(10);

/** The inbox as staff see it: waiting messages (a hand-off's id ends in `:handoff`), best first. */
export type StaffInboxList = { messages: (QueuedMessage & { handoff: boolean })[]; total: number; leased: number; deadNotices: number };
/** A message a staff member holds, with what the student left for context. */
export type StaffClaimed = { lease: Lease; transcript: { role: string; content: string }[] };
