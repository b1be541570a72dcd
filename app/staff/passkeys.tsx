"use client";

import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "@/lib/zod";
import { When } from "../components/center-time";
import { staffApi } from "./staff-api";

/** The ceremonies POST their JSON; a refusal throws the route's message. */
function post(path: string, body?: unknown): Promise<unknown> {
  return staffApi(path, { method: "POST", body });
}

/**
 * What a passkey ceremony needs from the server: its options (built by the sidecar's
 * @simplewebauthn/server, which the browser half of the library reads as is) and the
 * id of the one-use challenge to answer.
 */
const Ceremony = z.object({ options: z.looseObject({ challenge: z.string().min(16) }), challengeId: z.string() });

/** The browser's passkey prompt turned down or timed out: say so plainly. */
function ceremonyMessage(error: unknown): string {
  if (error instanceof Error && error.name === "NotAllowedError") return "The passkey prompt was closed or timed out. Try again when you are ready.";
  return error instanceof Error ? error.message : "Something went wrong. Please try again.";
}

/**
 * Signing in or out changes who the console is for: after the move, the whole page is rendered
 * again, the staff header too (app/staff/layout.tsx, which client-side navigation keeps as it was).
 */
function goAsNewMember(router: ReturnType<typeof useRouter>, path: string) {
  router.push(path);
  router.refresh();
}

function useCeremony(run: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (caught) {
      setError(ceremonyMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, start };
}

export function RegisterPasskey({ token }: { token: string }) {
  const router = useRouter();
  const { busy, error, start } = useCeremony(async () => {
    const ceremony = Ceremony.parse(await post(`/api/staff/invite/${encodeURIComponent(token)}/options`));
    const response = await startRegistration({ optionsJSON: ceremony.options as unknown as PublicKeyCredentialCreationOptionsJSON });
    await post(`/api/staff/invite/${encodeURIComponent(token)}/register`, { challengeId: ceremony.challengeId, response });
    goAsNewMember(router, "/staff");
  });
  return (
    <div className="stack">
      <button type="button" className="button" disabled={busy} onClick={() => void start()} data-testid="register-passkey">
        {busy ? "Waiting for your passkey…" : "Create my passkey"}
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

export function SignInWithPasskey() {
  const router = useRouter();
  const { busy, error, start } = useCeremony(async () => {
    const ceremony = Ceremony.parse(await post("/api/staff/sign-in/options"));
    const response = await startAuthentication({ optionsJSON: ceremony.options as unknown as PublicKeyCredentialRequestOptionsJSON });
    await post("/api/staff/sign-in", { challengeId: ceremony.challengeId, response });
    goAsNewMember(router, "/staff");
  });
  return (
    <div className="stack">
      <button type="button" className="button" disabled={busy} onClick={() => void start()} data-testid="sign-in-passkey">
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

export function SignOut() {
  const router = useRouter();
  const { busy, start } = useCeremony(async () => {
    await post("/api/staff/sign-out");
    goAsNewMember(router, "/staff/sign-in");
  });
  return (
    <button type="button" className="button secondary" disabled={busy} onClick={() => void start()} data-testid="sign-out">
      Sign out
    </button>
  );
}

const Created = z.object({ link: z.string(), expiresAt: z.number() });

export function InviteColleague({ tutors }: { tutors: { id: string; name: string }[] }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("staff");
  const [tutorId, setTutorId] = useState(tutors[0]?.id ?? "");
  const [created, setCreated] = useState<z.infer<typeof Created> | null>(null);
  const { busy, error, start } = useCeremony(async () => {
    setCreated(Created.parse(await post("/api/staff/invites", { email, role, ...(role === "tutor" ? { tutorId } : {}) })));
  });
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <label htmlFor="invite-email">Colleague&apos;s email</label>
      <input id="invite-email" type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
      <label htmlFor="invite-role">Role</label>
      <select id="invite-role" value={role} onChange={(event) => setRole(event.target.value)}>
        <option value="staff">Staff: schedule, inbox, tutors&apos; hours</option>
        <option value="tutor">Tutor: their own schedule</option>
        <option value="admin">Admin: everything</option>
      </select>
      {role === "tutor" && (
        <>
          <label htmlFor="invite-tutor">Which tutor (they see this tutor&apos;s schedule)</label>
          <select id="invite-tutor" required value={tutorId} onChange={(event) => setTutorId(event.target.value)}>
            {tutors.map((tutor) => (
              <option key={tutor.id} value={tutor.id}>
                {tutor.name} ({tutor.id})
              </option>
            ))}
          </select>
        </>
      )}
      <button type="submit" className="button" disabled={busy}>
        Create invite link
      </button>
      {error && <p className="error" role="alert">{error}</p>}
      {created && (
        <p role="status" data-testid="invite-link">
          Send this link to your colleague; it works once, until <When at={created.expiresAt} />: <code>{created.link}</code>
        </p>
      )}
    </form>
  );
}
