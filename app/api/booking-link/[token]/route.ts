import { AppError } from "@/lib/errors";
import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { BookingLinkParams } from "./schema";

type Context = { params: Promise<{ token: string }> };

export const BAD_LINK = new AppError("forbidden:booking_link", "This link is not valid. Use the whole link from your most recent email about the booking.");

/**
 * The booking a "Manage this booking" link names (lib/mail/manage-link.ts). No owner cookie: the
 * signed token is the authority, and it names one booking. 403 for a link we did not sign, 410 once expired.
 */
export function GET(_request: Request, { params }: Context) {
  return handle("GET booking link", async () => {
    const { token } = parseParams(await params, BookingLinkParams, BAD_LINK);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.viewBookingByLink(token)));
  });
}
