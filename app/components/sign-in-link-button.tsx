"use client";

import { useState } from "react";
import { fetchJson } from "@/lib/fetch-json";

/**
 * The sign-in link's one button: the link is spent by this POST, not by opening the page, so a mail
 * scanner that opens links does not use it up. Then the student lands on their bookings.
 */
export function SignInLinkButton({ token, email }: { token: string; email: string }) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");

  async function signIn() {
    setBusy(true);
    setStatus("");
    try {
      await fetchJson("/api/account/link", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
      window.location.assign("/bookings");
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "Could not sign in. Please try again.");
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="button" disabled={busy} onClick={() => void signIn()}>
        Sign in as {email}
      </button>
      {status && (
        <p className="notice" role="alert">
          {status}
        </p>
      )}
    </>
  );
}
