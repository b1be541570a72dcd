import type { SignedIn } from "../accounts/schemas";
import { newOwnerId } from "../ids";
import { centerOfOwner } from "../center/ids";
import { accountCookieHeader, signAccountCookie } from "./account-cookie";
import { ownerWithCookie, type Owner } from "./owner-cookie";

/**
 * The cookies of a browser that just signed in (an email link, or campus sign-in): the account
 * cookie, and a fresh anonymous owner for after it signs out (what the old one held moved into the
 * account), of the account's center. Answered as the Owner every route's `json` sends cookies for.
 */
export async function signedInOwner(request: Request, secret: string, signedIn: SignedIn): Promise<Owner> {
  const cookie = await signAccountCookie(secret, { sessionId: signedIn.sessionId, ownerId: signedIn.ownerId, email: signedIn.email, checkedAt: Date.now() });
  const fresh = await ownerWithCookie(request, newOwnerId(centerOfOwner(signedIn.ownerId)), secret);
  return { id: signedIn.ownerId, account: { sessionId: signedIn.sessionId, email: signedIn.email }, setCookies: [accountCookieHeader(request, cookie), ...fresh.setCookies] };
}

/** The owner a signing-in browser brings: its anonymous one (a browser signed in to another account brings a new, empty one). */
export async function deviceOwner(request: Request, secret: string, owner: Owner): Promise<Owner> {
  return owner.account ? ownerWithCookie(request, newOwnerId(centerOfOwner(owner.id)), secret) : owner;
}
