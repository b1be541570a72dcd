import type { Metadata } from "next";
import Link from "next/link";
import { callSidecar } from "@/lib/server/call-sidecar";
import { getSidecar } from "@/lib/server/sidecar";
import { SignInToken, type SignInLinkInfo } from "@/lib/accounts/schemas";
import { SignInLinkButton } from "../../components/sign-in-link-button";

export const metadata: Metadata = { title: "Sign in · Tutoring Center", robots: { index: false, follow: false }, referrer: "no-referrer" };

type Props = { searchParams: Promise<{ token?: string | string[] }> };

/**
 * The page an email sign-in link opens: says what signing in will do, read on the server (nothing
 * is spent or written), then one button spends the link. Two round trips after the click in the email.
 */
export default async function SignInLinkPage({ searchParams }: Props) {
  const { token } = await searchParams;
  const parsed = SignInToken.safeParse(token);
  const info = parsed.success ? await readLink(parsed.data) : null;
  return (
    <div className="directory account">
      <h1>Sign in</h1>
      {info && parsed.success ? (
        <section data-testid="sign-in-link">
          <p>
            {info.account ? "Sign in to your account" : "Make an account"} with <strong>{info.email}</strong>. What this browser has (chats, bookings, what the assistant
            remembers) moves into it, and you will see it on every device you sign in on.
          </p>
          {info.bookings > 0 && (
            <p data-testid="sign-in-link-bookings">
              It also adds {info.bookings === 1 ? "the booking" : `the ${info.bookings} bookings`} made with this address, listed in the email.
            </p>
          )}
          <SignInLinkButton token={parsed.data} email={info.email} />
        </section>
      ) : (
        <p className="notice" role="alert" data-testid="sign-in-link-error">
          This sign-in link has been used, has expired, or is not one of ours. <Link href="/account">Ask for a new one</Link>.
        </p>
      )}
    </div>
  );
}

async function readLink(token: string): Promise<SignInLinkInfo | null> {
  try {
    const sidecar = await getSidecar();
    return await callSidecar(() => sidecar.signInLinkInfo(token));
  } catch {
    return null;
  }
}
