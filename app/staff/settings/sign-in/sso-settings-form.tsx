"use client";

import { useEffect, useState, type FormEvent } from "react";
import { SsoSettingsView } from "@/lib/accounts/sso";
import { StaffApiError, staffApi } from "../../staff-api";

const PATH = "/api/staff/settings/sign-in";

type Key = "issuer" | "clientId" | "allowedDomains" | "staffClaim" | "staffValues" | "adminValues" | "label";
type Draft = Record<Key, string>;

const FIELDS: { key: Key; label: string; hint: string; placeholder: string }[] = [
  { key: "issuer", label: "Issuer URL", hint: "https; the provider's metadata is read from <issuer>/.well-known/openid-configuration.", placeholder: "https://login.campus.edu" },
  { key: "clientId", label: "Client id", hint: "As registered at the provider.", placeholder: "tutoring-center" },
  { key: "allowedDomains", label: "Allowed email domains", hint: "Comma-separated, exact domains. Empty refuses everyone.", placeholder: "campus.edu, students.campus.edu" },
  { key: "staffClaim", label: "Staff claim", hint: "The ID token claim naming groups. Empty: everyone signs in as a student.", placeholder: "groups" },
  { key: "staffValues", label: "Staff values", hint: "Claim values that mean staff (comma-separated). Only existing, enabled members sign in as staff.", placeholder: "tutoring-staff" },
  { key: "adminValues", label: "Admin values", hint: "Claim values that mean admin (comma-separated).", placeholder: "tutoring-admins" },
  { key: "label", label: "Button label", hint: "Empty: “Sign in with your campus account”.", placeholder: "Sign in with CampusID" },
];

function draftOf(view: SsoSettingsView): Draft {
  return {
    issuer: view.issuer ?? "",
    clientId: view.clientId ?? "",
    allowedDomains: view.allowedDomains.split(",").filter(Boolean).join(", "),
    staffClaim: view.staffClaim ?? "",
    staffValues: view.staffValues.split(",").filter(Boolean).join(", "),
    adminValues: view.adminValues.split(",").filter(Boolean).join(", "),
    label: view.label ?? "",
  };
}

async function call(init?: { method: "PUT" | "DELETE"; body?: unknown }): Promise<SsoSettingsView> {
  return SsoSettingsView.parse(await staffApi(PATH, init));
}

/** The provider's fields, the secret's presence and whether SSO is on; "saved" only once the sidecar answered with what it stored. */
export function SsoSettingsForm() {
  const [view, setView] = useState<SsoSettingsView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    call().then(
      (loaded) => {
        setView(loaded);
        setDraft(draftOf(loaded));
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, []);

  async function change(work: () => Promise<SsoSettingsView>, done: string) {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setStatus("");
    try {
      const saved = await work();
      setView(saved);
      setDraft(draftOf(saved));
      setStatus(done);
    } catch (caught) {
      if (caught instanceof StaffApiError) {
        // "allowedDomains.1" belongs beside its field.
        setFieldErrors(Object.fromEntries(Object.entries(caught.fields).map(([path, message]) => [path.split(".")[0] ?? path, message])));
        setError(`${caught.message} Nothing was saved: check the fields marked below.`);
      } else setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (draft) void change(() => call({ method: "PUT", body: draft }), "Saved.");
  }

  if (!view || !draft) return error ? <p role="alert" className="field-error">{error}</p> : <p role="status">Loading…</p>;
  return (
    <>
      <p data-testid="sso-state">
        {view.enabled ? "Campus sign-in is ON: the sign-in page shows its button." : "Campus sign-in is OFF."}{" "}
        {view.secretPresent
          ? "The client secret is set on this deployment."
          : "The client secret is NOT set on this deployment: campus sign-in stays off until it is (npx wrangler secret put OIDC_CLIENT_SECRET -c workers/wrangler.toml). It is never entered here."}
      </p>
      <p role="status" data-testid="sso-status">
        {status}
      </p>
      {error && (
        <p role="alert" className="field-error" data-testid="sso-error">
          {error}
        </p>
      )}
      <form onSubmit={save} aria-label="Campus sign-in">
        <fieldset disabled={busy}>
          <legend>Provider</legend>
          {FIELDS.map(({ key, label, hint, placeholder }) => (
            <div className="field" key={key}>
              <label htmlFor={`sso-${key}`}>{label}</label>
              <input
                id={`sso-${key}`}
                value={draft[key]}
                placeholder={placeholder}
                aria-describedby={`sso-${key}-hint`}
                aria-invalid={fieldErrors[key] ? true : undefined}
                onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
              />
              <span id={`sso-${key}-hint`} className="hint">
                {hint}
              </span>
              {fieldErrors[key] && <span className="field-error">{fieldErrors[key]}</span>}
            </div>
          ))}
          <button type="submit" className="button" disabled={busy}>
            Save
          </button>{" "}
          <button type="button" className="button secondary" disabled={busy || !view.issuer} onClick={() => void change(() => call({ method: "DELETE" }), "Turned off: the issuer is cleared.")}>
            Turn off
          </button>
        </fieldset>
      </form>
    </>
  );
}
