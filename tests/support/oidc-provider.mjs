/**
 * A REAL OpenID provider for the campus sign-on tests: panva's certified `oidc-provider`, on a free
 * loopback port. The workers tests (tests/workers/sso.test.ts; vitest's globalSetup starts it) read
 * its issuer with `inject("oidcIssuer")` and drive the flow with plain fetches: login and consent are
 * completed at once for the account named by `login_hint`. A browser (e2e/sso.spec.ts, which starts
 * it with the e2e site's redirect URI) sends no hint: it gets a one-field sign-in page where the
 * student types a test account's id, and consent is given with the login.
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

/** The sign-in page a browser sees: one field for a test account's id (a key of TEST_ACCOUNTS). */
function signInPage(uid, problem = "") {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test campus sign-in</title></head><body>
<h1>Test campus sign-in</h1>${problem ? `<p role="alert">${problem}</p>` : ""}
<form method="post" action="/interaction/${uid}"><label for="account">Campus ID</label> <input id="account" name="account" autocomplete="off" required>
<button type="submit">Sign in</button></form></body></html>`;
}

/** A form POST's fields (the sign-in page's one field). */
async function formFields(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

/**
 * Starts the provider; resolves with its issuer URL and a function that stops it. `redirectUris`:
 * where the test client may be sent back (the workers tests' SITE_URL unless told). `clockOffsetMs`:
 * the site's clock runs this far ahead (the e2e stack's CLOCK_OFFSET_MS); the ID token's times are
 * moved by as much, as a provider whose clock agrees with the site's would issue them.
 */
export async function startOidcProvider({ redirectUris = [TEST_CLIENT.redirect_uri], clockOffsetMs = 0 } = {}) {
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
        redirect_uris: redirectUris,
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

  // Login and consent, completed at once for the account the authorization request names (login_hint)
  // or, from a browser, the one typed into the sign-in page.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/interaction/")) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const hint = details.params.login_hint;
    const typed = ctx.method === "POST" ? (await formFields(ctx.req)).get("account")?.trim() : undefined;
    if (hint === undefined && typed === undefined) {
      ctx.type = "html";
      ctx.body = signInPage(details.uid);
      return;
    }
    const accountId = String(hint ?? typed);
    if (!Object.hasOwn(TEST_ACCOUNTS, accountId)) {
      ctx.status = 400;
      if (typed === undefined) ctx.body = `unknown test account "${accountId}": send login_hint`;
      else [ctx.type, ctx.body] = ["html", signInPage(details.uid, "No such test account.")];
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
  });

  // The forged account: its ID token leaves the token endpoint re-signed by the forger's key. And on a
  // shifted site clock, every ID token's times are moved and it is signed again with the real key.
  const shift = Math.round(clockOffsetMs / 1000);
  provider.use(async (ctx, next) => {
    await next();
    const idToken = ctx.path === "/token" && ctx.body && typeof ctx.body === "object" ? ctx.body.id_token : undefined;
    if (typeof idToken !== "string") return;
    let [header, payload] = idToken.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = claims.sub === "forged";
    if (!forged && shift === 0) return;
    if (shift !== 0) {
      for (const time of ["iat", "exp", "auth_time"]) if (typeof claims[time] === "number") claims[time] += shift;
      payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    }
    const key = forged ? forger.privateKey : signing.privateKey;
    const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(key).toString("base64url");
    ctx.body = { ...ctx.body, id_token: `${header}.${payload}.${signature}` };
  });

  server.on("request", provider.callback());
  return {
    issuer,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A browser's kept-alive connections would hold the port open past the run.
        server.closeAllConnections();
      }),
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
