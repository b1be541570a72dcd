import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { devMailEnabled } from "@/lib/server/dev-mail";
import { getSidecar } from "@/lib/server/sidecar";
import { devMailboxShown, type SinkMessage } from "@/lib/mail/sink";

export const metadata: Metadata = { title: "Local mail · Tutoring Center", robots: { index: false } };

/**
 * What the local mail sink received (dev and the local production build only; 404 when deployed).
 * Shown only when the sidecar read it from a loopback address (`devMailboxShown`): never the
 * provider's mail, even with DEV_MAIL set by mistake, and even from an older sidecar that did not check.
 */
export default async function DevMailPage() {
  if (!(await devMailEnabled())) notFound();
  let messages: SinkMessage[] = [];
  let problem: string | null = null;
  let shown = true;
  try {
    const result = await (await getSidecar()).devMailbox();
    if (!result.ok && result.error.code !== "not_found:route") problem = result.error.message;
    else if (devMailboxShown(result) && result.ok) messages = result.value.messages;
    else shown = false;
  } catch {
    problem = "The sidecar is not running, so there is no mail to show.";
  }
  if (!shown) notFound();
  return (
    <div className="directory">
      <h1>Local mail</h1>
      <p className="hint">
        Email the site sent while running locally, newest first. Nothing here left this machine: the sidecar&apos;s mailer posts to the local mail sink
        (workers/mail-sink) instead of the email provider.
      </p>
      {problem ? (
        <p className="notice" role="alert">
          {problem}
        </p>
      ) : null}
      {!problem && messages.length === 0 ? <p>No mail yet.</p> : null}
      <ol className="mail-list" data-testid="dev-mail-list">
        {messages.map((message) => (
          <li key={message.id} className="panel" data-testid="dev-mail-message">
            <h2>{message.subject}</h2>
            <p>
              To {message.to.join(", ")} · from {message.from} · <time dateTime={new Date(message.receivedAt).toISOString()}>{new Date(message.receivedAt).toISOString()}</time>
            </p>
            <StopLink headers={message.headers} />
            <pre className="mail-text">{message.text}</pre>
            {message.attachments.map((file) => (
              <details key={file.filename} data-testid="dev-mail-attachment">
                <summary>
                  Attachment: {file.filename} ({file.contentType})
                </summary>
                <pre className="mail-text">{decodeText(file.content)}</pre>
              </details>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The message's one-click stop link (RFC 8058 List-Unsubscribe), as a mail client would offer it. */
function StopLink({ headers }: { headers: Record<string, string> }) {
  const url = /^<([^>]+)>$/.exec(headers["List-Unsubscribe"] ?? "")?.[1];
  if (!url) return null;
  return (
    <p>
      List-Unsubscribe:{" "}
      <a href={url} data-testid="dev-mail-stop-link">
        Stop these emails
      </a>{" "}
      ({headers["List-Unsubscribe-Post"] ?? "no one-click"})
    </p>
  );
}

function decodeText(base64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
  } catch {
    return "(not text)";
  }
}
