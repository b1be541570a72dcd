import { callSidecar } from "@/lib/server/call-sidecar";
import { callerOf, handle, json, parseParams, readJsonBody, requireSameOrigin } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { BAD_LINK } from "../route";
import { BookingLinkMoveBody, BookingLinkParams } from "./schema";

type Context = { params: Promise<{ token: string }> };

/** The times the booking a link names may move to (its tutor, the coming two weeks, the center's rules). */
export function GET(_request: Request, { params }: Context) {
  return handle("GET booking link move options", async () => {
    const { token } = parseParams(await params, BookingLinkParams, BAD_LINK);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.bookingLinkMoveOptions(token)));
  });
}

/** Moves the booking the link names, as its student: the one move, with the cancel's limits. */
export function POST(request: Request, { params }: Context) {
  return handle("POST booking link move", async () => {
    requireSameOrigin(request);
    const { token } = parseParams(await params, BookingLinkParams, BAD_LINK);
    const to = await readJsonBody(request, BookingLinkMoveBody);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.moveBookingByLink(token, to, callerOf(request))));
  });
}
