import { callSidecar } from "@/lib/server/call-sidecar";
import { callerOf, handle, json, parseParams, requireSameOrigin } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { BAD_LINK } from "../route";
import { BookingLinkParams } from "../schema";

type Context = { params: Promise<{ token: string }> };

/** Cancels the booking the link names, as its student: the one cancel, with My bookings' limits. */
export function POST(request: Request, { params }: Context) {
  return handle("POST booking link cancel", async () => {
    requireSameOrigin(request);
    const { token } = parseParams(await params, BookingLinkParams, BAD_LINK);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.cancelBookingByLink(token, callerOf(request))));
  });
}
