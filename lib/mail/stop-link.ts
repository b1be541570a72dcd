import { z } from "../zod";
import type { MailMessage } from "./mailer";
import { MAIL_EN } from "./phrases/en";
import type { MailPhrases } from "./phrases/types";

/**
 * Every email says how to make it stop: a line at the end of the text ("this wasn't me / stop these
 * emails") and RFC 8058's one-click pair, so a mail client can offer "Unsubscribe" itself:
 *
 *   List-Unsubscribe: <{SITE_URL}/api/mail/stop?token=…>
 *   List-Unsubscribe-Post: List-Unsubscribe=One-Click
 *
 * A GET of the link shows a page with one button; a POST with `List-Unsubscribe=One-Click` (the
 * button, or the mail provider on the reader's behalf) stops every email to that address. The token
 * is signed and names the address (services/mail-stop.ts).
 */

/** The path the link opens, on the web worker (app/api/mail/stop/route.ts). */
export const MAIL_STOP_PATH = "/api/mail/stop";

/** What the button and a mail provider POST (RFC 8058 §3.2). */
export const ONE_CLICK_FIELD = "List-Unsubscribe";
export const ONE_CLICK_VALUE = "One-Click";

/** The link's query (`?token=…`), checked by the web route and again by the sidecar. */
export const MailStopQuery = z.object({ token: z.string().min(1).max(1_000) });
export type MailStopQuery = z.infer<typeof MailStopQuery>;

/** What the link's page shows and what stopping answers: the address the token names. */
export type MailStopState = { address: string; stopped: boolean };

export function mailStopUrl(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, "")}${MAIL_STOP_PATH}?token=${encodeURIComponent(token)}`;
}

/** The message with its stop line (in `say`'s language) and headers. */
export function withStopLink(message: MailMessage, url: string, say: MailPhrases = MAIL_EN): MailMessage {
  return {
    ...message,
    text: `${message.text}\n\n${say.stopLine(message.to, url)}`,
    headers: { ...message.headers, "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": `${ONE_CLICK_FIELD}=${ONE_CLICK_VALUE}` },
  };
}
