import { ONE_CLICK_FIELD, ONE_CLICK_VALUE, type MailStopState } from "../mail/stop-link";

/**
 * The small pages behind an email's "stop these emails" link (app/api/mail/stop/route.ts): plain
 * HTML from the route, no script, so the link works from any mail client. The button POSTs the
 * same URL with RFC 8058's one-click field, exactly what a mail provider sends.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Tutoring Center</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1rem;cursor:pointer}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/** GET: what the link will do, and one button; opening the link changes nothing (mail scanners open links). */
export function mailStopQuestion({ address, stopped }: MailStopState): Response {
  if (stopped) {
    return page("Emails stopped", `<p data-testid="mail-stop-done">We send no more emails to <strong>${escapeHtml(address)}</strong>. Nothing else to do.</p>`);
  }
  return page(
    "Stop these emails?",
    `<p>Booking emails from the tutoring center go to <strong>${escapeHtml(address)}</strong>. If you did not book a session, or want no more of these emails, stop them here: nothing more will be sent to this address.</p>
<form method="post">
<input type="hidden" name="${ONE_CLICK_FIELD}" value="${ONE_CLICK_VALUE}">
<button type="submit">Stop emails to this address</button>
</form>`,
  );
}

/** POST: done. A mail provider's one-click POST reads only the status. */
export function mailStopDone({ address }: MailStopState): Response {
  return page("Emails stopped", `<p data-testid="mail-stop-done">Done: we will send no more emails to <strong>${escapeHtml(address)}</strong>.</p>`);
}
