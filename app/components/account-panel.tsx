"use client";

import { useEffect, useState, type FormEvent } from "react";
import useSWR from "swr";
import { AppError } from "@/lib/errors";
import { fetchJson } from "@/lib/fetch-json";
import { AccountView } from "@/lib/accounts/schemas";
import { When } from "./center-time";

/**
 * The account page: signed out, a form that mails a one-time sign-in link; signed in, the address,
 * the devices signed in (each can be signed out), sign out here or everywhere, and the data download.
 */
export function AccountPanel() {
  const { data, error, mutate } = useSWR("/api/account", async (path: string) => AccountView.parse(await fetchJson(path)), { shouldRetryOnError: false });
  if (error instanceof AppError && error.status === 401) return <SignInForm />;
  if (error) {
    const message = error instanceof AppError && error.status === 503 ? "Accounts need the chat service, which is not running here." : "Your account could not be loaded. Please reload the page.";
    return (
      <p className="notice" role="alert">
        {message}
      </p>
    );
  }
  if (!data) return <p role="status">Loading your account…</p>;
  return <SignedIn account={data} onChange={() => void mutate()} />;
}

/** Campus sign-in's button, when the center set it up; and what went wrong on the way back, if anything did. */
function CampusSignIn() {
  const { data } = useSWR("/api/account/sso", async (path: string) => (await fetchJson(path)) as { enabled: boolean; label?: string }, { shouldRetryOnError: false });
  const [problem, setProblem] = useState("");
  useEffect(() => setProblem(new URLSearchParams(window.location.search).get("sso") ?? ""), []);
  return (
    <>
      {problem && (
        <p className="notice" role="alert" data-testid="sso-problem">
          {problem}
        </p>
      )}
      {data?.enabled && (
        <p>
          <a className="button" href="/api/account/sso/start?returnTo=/bookings" data-testid="sso-start">
            {data.label ?? "Sign in with your campus account"}
          </a>
        </p>
      )}
    </>
  );
}

function SignInForm() {
  const [email, setEmail] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setStatus("");
    try {
      const answer = (await fetchJson("/api/account/sign-in-link", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) })) as { message?: string };
      setStatus(answer.message ?? "");
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "The link could not be sent. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section data-testid="sign-in">
      <p>
        Sign in to see your chats, bookings and what the assistant remembers on every device. You don&apos;t need an account to chat or book: signing in brings what this
        browser already has along.
      </p>
      <CampusSignIn />
      <form onSubmit={(event) => void send(event)} className="inline-form">
        <label htmlFor="sign-in-email">Email</label>
        <input id="sign-in-email" type="email" required autoComplete="email" value={email} onChange={(event) => setEmail(event.target.value)} />
        <button type="submit" className="button" disabled={busy}>
          Email me a sign-in link
        </button>
      </form>
      {status && (
        <p role="status" data-testid="sign-in-status">
          {status}
        </p>
      )}
      <p className="subtitle">Booked on another device? The sign-in email lists the bookings made with your address, and opening it adds them to your account.</p>
    </section>
  );
}

function SignedIn({ account, onChange }: { account: AccountView; onChange: () => void }) {
  const [status, setStatus] = useState("");

  async function signOut(body: { everywhere?: boolean; device?: string }, done: string) {
    try {
      await fetchJson("/api/account/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (body.device) {
        setStatus(done);
        onChange();
      } else window.location.assign("/account");
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "Could not sign out. Please try again.");
    }
  }

  return (
    <section data-testid="account">
      <p>
        Signed in as <strong data-testid="account-email">{account.email}</strong>.
      </p>
      <h2>Devices signed in</h2>
      <ul className="history-list" data-testid="account-devices">
        {account.devices.map((device) => (
          <li key={device.id}>
            <span className="history-title">
              {device.device}
              {device.current ? " (this device)" : ""}
            </span>{" "}
            <span className="subtitle">
              signed in <When at={device.signedInAt} /> {device.via === "sso" ? "with campus sign-in" : "by email link"}
            </span>{" "}
            {!device.current && (
              <button type="button" className="button secondary" onClick={() => void signOut({ device: device.id }, `${device.device} is signed out.`)}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="subtitle">A device signed out elsewhere stops showing your account within ten minutes.</p>
      <div className="actions">
        <button type="button" className="button" onClick={() => void signOut({}, "")}>
          Sign out
        </button>
        <button type="button" className="button secondary" onClick={() => void signOut({ everywhere: true }, "")}>
          Sign out everywhere
        </button>
        <a className="button secondary" href="/api/account/export" download>
          Download my data
        </a>
      </div>
      <p className="subtitle">
        To delete your account and everything in it, use <a href="/memory">Forget me</a> on the memory page.
      </p>
      {status && <p role="status">{status}</p>}
    </section>
  );
}
