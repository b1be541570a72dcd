import * as oauth from "oauth4webapi";
import {
  safeReturnTo,
  SSO_CALLBACK_PATH,
  SSO_FLOW_MS,
  SSO_OFF,
  SSO_REFUSED,
  SSO_UNREACHABLE,
  SsoFlow,
  ssoIdentity,
  ssoSettings,
  isLoopback,
  type SsoConfig,
  type SsoFinished,
  type SsoSettings,
  type SsoStarted,
} from "../lib/accounts/sso";
import { fail, ok, type Result } from "../lib/errors";
import { newSecretToken, sha256Hex } from "../lib/ids";
import { STAFF_SESSION_MS } from "../lib/staff/schemas";
import { signInVerified, type AccountEnv } from "./accounts";
import { openStaffSessionByEmail, ssoColumns } from "./db/oidc";
import { readSignedJson, signJson } from "../lib/signed-json";
import { CenterId, centerOfOwner } from "../lib/center/ids";

/**
 * Campus single sign-on over OpenID Connect (docs/accounts-sso.md), with oauth4webapi: the
 * authorization code flow with PKCE (S256), `state` and `nonce`, the code exchanged with the client
 * secret, the ID token checked against the issuer's JWKS (signature, iss, aud, exp, nonce). The
 * provider's verified email ends in `signInVerified` (a student) or in a staff session for the
 * enabled member with that address (when the configured claim says staff or admin).
 *
 * Nothing is stored between the start and the callback: the state, nonce and code verifier ride in
 * a cookie the web worker sets HttpOnly, signed with a key derived from INTERNAL_KEY, for 10 minutes.
 * Every failure is one generic answer to the student and one logged reason.
 *
 * Each center has its own provider (its center_settings row): the start names the center (the web
 * worker's, from the host; CenterId-checked, an unknown one has SSO off), the callback's center is
 * the device's owner's (`centerOfOwner`), and a staff session opens only for that center's member.
 */

export type OidcEnv = AccountEnv & Pick<Env, "INTERNAL_KEY" | "OIDC_CLIENT_SECRET">;

const FLOW_LABEL = "tutor-chat oidc flow v1";
const SCOPE = "openid email profile";

/** The provider's metadata per issuer, fetched once per isolate (its JWKS is cached with it by oauth4webapi). */
const discovered = new Map<string, Promise<oauth.AuthorizationServer>>();

/** An SSO failure: what the student sees is generic; `reason` goes to the log. */
class SsoFailure extends Error {
  constructor(
    readonly reason: string,
    readonly unreachable = false,
  ) {
    super(reason);
  }
}

/** Whether the center's sign-in page shows the campus button, and its words. No secret, no network. */
export async function ssoConfig(env: Pick<OidcEnv, "DB" | "OIDC_CLIENT_SECRET">, { center }: { center: unknown }): Promise<Result<SsoConfig>> {
  const settings = await settingsOf(env, center);
  return ok(settings ? { enabled: true, label: settings.label } : { enabled: false });
}

/** The provider's authorization URL for a new sign-in, and the signed flow cookie that must come back with it. */
export async function ssoStart(env: OidcEnv, { center, returnTo, now }: { center: unknown; returnTo: unknown; now: number }): Promise<Result<SsoStarted>> {
  const settings = await settingsOf(env, center);
  if (!settings || !env.SITE_URL) return fail("not_found:route", SSO_OFF);
  return attempt("start", async () => {
    const as = await discover(settings);
    if (!as.authorization_endpoint) throw new SsoFailure("no authorization_endpoint in the provider's metadata", true);
    const flow: SsoFlow = {
      s: oauth.generateRandomState(),
      n: oauth.generateRandomNonce(),
      v: oauth.generateRandomCodeVerifier(),
      r: safeReturnTo(returnTo),
      i: settings.issuer.href,
      c: settings.clientId,
      e: now + SSO_FLOW_MS,
    };
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: settings.clientId,
      redirect_uri: redirectUri(env),
      response_type: "code",
      scope: SCOPE,
      state: flow.s,
      nonce: flow.n,
      code_challenge: await oauth.calculatePKCECodeChallenge(flow.v),
      code_challenge_method: "S256",
    }).toString();
    return ok({ redirectUrl: url.href, flowCookie: await signFlow(env.INTERNAL_KEY, flow), expiresAt: flow.e });
  });
}

/**
 * The provider's redirect back: checks the flow cookie, the state, exchanges the code (once: the
 * provider refuses a replay), validates the ID token and its claims, then signs the device in.
 * Written: a student's sign-in as `signInVerified` writes; a staff sign-in one staff_sessions row.
 */
export async function ssoFinish(
  env: OidcEnv,
  input: { callbackUrl: unknown; flowCookie: unknown; deviceOwnerId: string; device: string; now: number },
): Promise<Result<SsoFinished>> {
  const center = centerOfOwner(input.deviceOwnerId);
  const settings = await settingsOf(env, center);
  if (!settings || !env.SITE_URL) return fail("not_found:route", SSO_OFF);
  return attempt<SsoFinished>("finish", async () => {
    const flow = await readFlow(env.INTERNAL_KEY, input.flowCookie);
    if (!flow) throw new SsoFailure("flow cookie missing, malformed or wrongly signed");
    if (flow.e <= input.now) throw new SsoFailure("flow cookie expired");
    if (flow.i !== settings.issuer.href || flow.c !== settings.clientId) throw new SsoFailure("flow started for another provider configuration");
    const callback = callbackParameters(input.callbackUrl);
    const as = await discover(settings);
    const secret = env.OIDC_CLIENT_SECRET;
    // The library keeps its own clock (the platform's); this lines its checks of exp and iat up with ours.
    const client: oauth.Client = { client_id: settings.clientId, [oauth.clockSkew]: Math.round((input.now - Date.now()) / 1000) };
    const http = { [oauth.allowInsecureRequests]: isLoopback(settings.issuer) };

    const params = oauth.validateAuthResponse(as, client, callback, flow.s);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(secret), params, redirectUri(env), flow.v, http);
    if (response.status >= 500) throw new SsoFailure(`token endpoint answered ${response.status}`, true);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: flow.n, requireIdToken: true });
    // Over TLS the signature is optional per OIDC Core; we check it anyway, so a token endpoint answer alone is never trusted.
    await oauth.validateApplicationLevelSignature(as, response, http);
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    if (!claims) throw new SsoFailure("no ID token");

    const identity = ssoIdentity(settings, claims);
    if (identity.kind === "refused") throw new SsoFailure(identity.reason);
    if (identity.kind === "student") {
      const signedIn = await signInVerified(env, { email: identity.email, deviceOwnerId: input.deviceOwnerId, device: input.device, via: "sso", now: input.now });
      return signedIn.ok ? ok({ kind: "student", signedIn: signedIn.value, returnTo: flow.r }) : signedIn;
    }
    const sessionToken = newSecretToken();
    const expiresAt = input.now + STAFF_SESSION_MS;
    const opened = await openStaffSessionByEmail(env.DB, { center, email: identity.email, tokenHash: await sha256Hex(sessionToken), now: input.now, expiresAt });
    if (!opened) throw new SsoFailure(`provider says ${identity.role}, but no enabled staff member has this address`);
    return ok({ kind: "staff", sessionToken, expiresAt, returnTo: flow.r });
  });
}

async function settingsOf(env: Pick<OidcEnv, "DB" | "OIDC_CLIENT_SECRET">, center: unknown): Promise<SsoSettings | null> {
  // Without the secret the code cannot be exchanged: the button would lead nowhere, so SSO is off.
  if (!env.OIDC_CLIENT_SECRET) return null;
  // Not a center id: no center's provider (an unknown id finds no row: off too).
  const id = CenterId.safeParse(center);
  if (!id.success) return null;
  return ssoSettings(await ssoColumns(env.DB, { center: id.data }));
}

function redirectUri(env: Pick<OidcEnv, "SITE_URL">): string {
  return new URL(SSO_CALLBACK_PATH, env.SITE_URL).href;
}

function callbackParameters(callbackUrl: unknown): URL {
  if (typeof callbackUrl !== "string" || callbackUrl.length > 4_096) throw new SsoFailure("callback URL missing or too long");
  try {
    return new URL(callbackUrl);
  } catch {
    throw new SsoFailure("callback URL malformed");
  }
}

/** Discovery, once per isolate per issuer; a failure is not cached (the next sign-in tries again). */
function discover(settings: SsoSettings): Promise<oauth.AuthorizationServer> {
  const key = settings.issuer.href;
  let metadata = discovered.get(key);
  if (!metadata) {
    const options = { [oauth.allowInsecureRequests]: isLoopback(settings.issuer) };
    metadata = oauth
      .discoveryRequest(settings.issuer, { ...options, algorithm: "oidc" })
      .then((response) => oauth.processDiscoveryResponse(settings.issuer, response))
      .catch((error: unknown) => {
        discovered.delete(key);
        throw new SsoFailure(`discovery failed: ${describe(error)}`, true);
      });
    discovered.set(key, metadata);
  }
  return metadata;
}

/** Runs one step; every failure becomes the generic answer (401, or 502 when the provider is the problem), its reason logged. */
async function attempt<T>(step: string, work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work();
  } catch (error) {
    const unreachable = error instanceof SsoFailure ? error.unreachable : isUpstreamFault(error);
    console.warn(`[sso] ${step} refused: ${error instanceof SsoFailure ? error.reason : describe(error)}`);
    return unreachable ? fail("bad_gateway:upstream", SSO_UNREACHABLE) : fail("unauthorized:sso", SSO_REFUSED);
  }
}

/** The network failed, or the provider answered with a server error: not the student's doing. */
function isUpstreamFault(error: unknown): boolean {
  if (error instanceof oauth.ResponseBodyError) return error.status >= 500;
  // fetch rejects with a TypeError when the provider cannot be reached.
  return error instanceof TypeError && !(error instanceof oauth.OperationProcessingError);
}

function describe(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.error} (${error.status})`;
  if (error instanceof oauth.AuthorizationResponseError) return `authorization error ${error.error}`;
  if (error instanceof Error) return `${"code" in error ? String(error.code) + ": " : ""}${error.message}`;
  return String(error);
}

async function signFlow(internalKey: string, flow: SsoFlow): Promise<string> {
  return signJson(internalKey, FLOW_LABEL, flow);
}

/** The flow a cookie carries if its signature holds; null for anything else (never throws). */
function readFlow(internalKey: string, cookie: unknown): Promise<SsoFlow | null> {
  return readSignedJson(internalKey, FLOW_LABEL, cookie, SsoFlow);
}
