import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { handle, parseQuery, readFormBody } from "@/lib/server/http";
import { mailStopDone, mailStopQuestion } from "@/lib/server/mail-stop-page";
import { getSidecar } from "@/lib/server/sidecar";
import { MailStopQuery, ONE_CLICK_FIELD, ONE_CLICK_VALUE } from "./schema";

/**
 * The "stop these emails" link every booking email carries (lib/mail/stop-link.ts). No owner
 * cookie: the signed token is the authority, and it names one address. GET asks; POST stops.
 */

/** A small page naming the address, with one button; changes nothing. */
export function GET(request: Request) {
  return handle("GET mail stop", async () => {
    const { token } = parseQuery(request, MailStopQuery);
    const sidecar = await getSidecar();
    return mailStopQuestion(await callSidecar(() => sidecar.mailStopInfo(token)));
  });
}

/**
 * RFC 8058 one-click: `List-Unsubscribe=One-Click` POSTed to the link, by the page's button or by
 * the reader's mail provider (a server, so no Origin to check). Idempotent.
 */
export function POST(request: Request) {
  return handle("POST mail stop", async () => {
    const { token } = parseQuery(request, MailStopQuery);
    const form = await readFormBody(request);
    if (form.get(ONE_CLICK_FIELD) !== ONE_CLICK_VALUE) throw new AppError("bad_request:body", `Send ${ONE_CLICK_FIELD}=${ONE_CLICK_VALUE}.`);
    const sidecar = await getSidecar();
    return mailStopDone(await callSidecar(() => sidecar.stopMail(token)));
  });
}
