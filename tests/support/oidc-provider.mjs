/**
 * A REAL OpenID provider for the campus sign-on tests (tests/workers/sso.test.ts): panva's certified
 * `oidc-provider`, started in Node by vitest's globalSetup on a free loopback port. The workers
 * tests read its issuer with `inject("oidcIssuer")` and drive the flow with plain fetches: the
 * provider's login and consent are completed at once for the account named by `login_hint`.
 *
 * One test client (secret, redirect URI, PKCE required), five test accounts, and one deliberate
 * fault: the `forged` account's ID token is re-signed by a key that is not in the provider's JWKS,
 * under the real key's id, so only a signature check can tell.
 */
import { createSign, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import Provider from "oidc-provider";

export const TEST_CLIENT = {
  client_id: "tutor-chat-test",
  client_secret: "test-oidc-client-secret",
  redirect_uri: "https://tutoring.example/api/account/sso/callback",
};

/** Test accounts by id (the `login_hint` a test sends): the claims the provider releases. */
export const TEST_ACCOUNTS = {
  student: { email: "sam.student@campus.test", email_verified: true, groups: ["students"] },
  outsider: { email: "olive@elsewhere.test", email_verified: true, groups: [] },
  staff: { email: "tess.staff@campus.test", email_verified: true, groups: ["students", "tutoring-staff"] },
  disabled: { email: "dan.gone@campus.test", email_verified: true, groups: ["tutoring-staff"] },
  unverified: { email: "uma.unverified@campus.test", email_verified: false, groups: [] },
  forged: { email: "fred.forged@campus.test", email_verified: true, groups: [] },
};

const KID = "test-signing-key";

/** Starts the provider; resolves with its issuer URL and a function that stops it. */
export async function startOidcProvider() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const signing = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // The forger's key: never published, so an ID token it signs must fail the JWKS check.
  const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.client_id,
        client_secret: TEST_CLIENT.client_secret,
        redirect_uris: [TEST_CLIENT.redirect_uri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: [{ ...signing.privateKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" }] },
    cookies: { keys: ["oidc-test-cookie-key"] },
    claims: { openid: ["sub", "groups"], email: ["email", "email_verified"], profile: ["name"] },
    // The claims of the scopes asked for go in the ID token itself (as Entra and Google do), not only in userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 600, Interaction: 600, Grant: 600, Session: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const claims = TEST_ACCOUNTS[id];
      return claims ? { accountId: id, claims: () => ({ sub: id, ...claims }) } : undefined;
    },
  });

  // Login and consent, completed at once for the account the authorization request names.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/interaction/")) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = String(details.params.login_hint ?? "");
    if (!(accountId in TEST_ACCOUNTS)) {
      ctx.status = 400;
      ctx.body = `unknown test account "${accountId}": send login_hint`;
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
  });

  // The forged account: its ID token leaves the token endpoint re-signed by the forger's key.
  provider.use(async (ctx, next) => {
    await next();
    const idToken = ctx.path === "/token" && ctx.body && typeof ctx.body === "object" ? ctx.body.id_token : undefined;
    if (typeof idToken !== "string") return;
    const [header, payload] = idToken.split(".");
    if (JSON.parse(Buffer.from(payload, "base64url").toString()).sub !== "forged") return;
    const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(forger.privateKey).toString("base64url");
    ctx.body = { ...ctx.body, id_token: `${header}.${payload}.${signature}` };
  });

  server.on("request", provider.callback());
  return {
    issuer,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** vitest globalSetup (the workers project): the provider runs for the whole run; tests read `inject("oidcIssuer")`. */
export default async function setup({ provide }) {
  const running = await startOidcProvider();
  provide("oidcIssuer", running.issuer);
  // A port nothing listens on: the provider is down.
  provide("oidcDownIssuer", "http://127.0.0.1:9");
  return running.stop;
}
