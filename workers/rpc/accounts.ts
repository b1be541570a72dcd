import { centerOfOwner } from "../../lib/center/ids";
import { AccountSessionId, SIGNED_OUT_MESSAGE, SignInLinkRequest, SignOutRequest } from "../../lib/accounts/schemas";
import { fail, zodIssues, type Result } from "../../lib/errors";
import { recipientAddress } from "../../lib/mail/recipients";
import { clock } from "../../lib/time";
import { accountOverview, checkAccountSession, redeemSignInLink, requestSignInLink, signInLinkInfo, signOutAccount } from "../../services/accounts";
import { exportOwner } from "../../services/account-export";
import { ssoConfig, ssoFinish, ssoStart } from "../../services/oidc";
import { usableIp, type Caller } from "../../services/limits";
import { FIRST_CENTER } from "../../lib/center/ids";
import { StaffDesksRpc } from "./staff-desks";


/** Student accounts (services/accounts.ts): sign-in links, sessions, the account page, the export. */
export class AccountsRpc extends StaffDesksRpc {
  /**
   * Mails a sign-in link to the account of the asking device's center (its owner id names it); the
   * same answer whether or not the address has an account. Limited per address and per network.
   */
  async requestSignInLink(input: unknown, deviceOwnerId: unknown, client?: Caller) {
    return this.withOwner(deviceOwnerId, (owner) => {
      const parsed = SignInLinkRequest.safeParse(input);
      if (!parsed.success) return fail("bad_request:body", "Enter the email address to send the sign-in link to.", zodIssues(parsed.error));
      const address = recipientAddress(parsed.data.email);
      return this.limited([["signInLinksPerEmail", address], ["signInLinksPerIp", usableIp(client)]], (now) =>
        requestSignInLink(this.env, { center: centerOfOwner(owner), email: address, now }),
      );
    });
  }

  /** What a sign-in link would do (the page before its button): nothing is written. */
  async signInLinkInfo(token: unknown) {
    return this.guard(() => signInLinkInfo(this.env, { token, now: clock.now() }));
  }

  /** The link's button: spends it and signs the device in, moving what its anonymous owner held into the account. */
  async redeemSignInLink(token: unknown, deviceOwnerId: unknown, device: unknown, client?: Caller) {
    return this.withOwner(deviceOwnerId, (owner) =>
      this.limited([["signInsPerIp", usableIp(client)]], (now) => redeemSignInLink(this.env, { token, deviceOwnerId: owner, device: deviceLabel(device), now })),
    );
  }

  /** Whether the center's sign-in page offers campus single sign-on, and the button's words (services/oidc.ts). `center`: the host's (default the first). */
  async ssoConfig(center: unknown = FIRST_CENTER) {
    return this.guard(() => ssoConfig(this.env, { center }));
  }

  /** Starts a campus sign-in at the center's provider: the URL to redirect to and the flow cookie to set (HttpOnly, 10 minutes). */
  async ssoStart(returnTo: unknown, center: unknown = FIRST_CENTER) {
    return this.guard(() => ssoStart(this.env, { center, returnTo, now: clock.now() }));
  }

  /** The provider's redirect back (its full URL) with the flow cookie: a student's account session or a staff session. */
  async ssoFinish(callbackUrl: unknown, flowCookie: unknown, deviceOwnerId: unknown, device: unknown, client?: Caller) {
    return this.withOwner(deviceOwnerId, (owner) =>
      this.limited([["signInsPerIp", usableIp(client)]], (now) => ssoFinish(this.env, { callbackUrl, flowCookie, deviceOwnerId: owner, device: deviceLabel(device), now })),
    );
  }

  /** The web worker's periodic check of an account cookie: the owner while the session is signed in. */
  async checkAccountSession(sessionId: unknown) {
    return this.withAccountSession(sessionId, (id) => checkAccountSession(this.env, { sessionId: id, now: clock.now() }));
  }

  /** The account page: address and devices. */
  async accountOverview(sessionId: unknown) {
    return this.withAccountSession(sessionId, (id) => accountOverview(this.env, { sessionId: id, now: clock.now() }));
  }

  /** Signs out this device, one other device, or all of them. */
  async signOutAccount(sessionId: unknown, input: unknown) {
    const parsed = SignOutRequest.safeParse(input ?? {});
    if (!parsed.success) return fail("bad_request:body", "Say which device to sign out, or everywhere.", zodIssues(parsed.error));
    return this.withAccountSession(sessionId, (id) => signOutAccount(this.env, { sessionId: id, ...parsed.data, now: clock.now() }));
  }

  /** Everything the owner holds, as one JSON document (the account page's "Download my data"). */
  async exportMyData(ownerId: unknown, client?: Caller) {
    return this.withOwner(ownerId, (owner) => this.limited([["exportsPerOwner", owner], ["writesPerIp", usableIp(client)]], (now) => exportOwner(this.env, { ownerId: owner, now })));
  }

  private withAccountSession<T>(sessionId: unknown, work: (id: string) => Promise<Result<T>>): Promise<Result<T>> {
    const id = AccountSessionId.safeParse(sessionId);
    if (!id.success) return Promise.resolve(fail("unauthorized:account", SIGNED_OUT_MESSAGE));
    return this.guard(() => work(id.data));
  }
}

/** The device's name as the web worker read it from the user agent; anything else is "A browser". */
function deviceLabel(device: unknown): string {
  return typeof device === "string" && device.length > 0 ? device.slice(0, 80) : "A browser";
}


