import { cache } from "react";
import { headers } from "next/headers";
import type { CenterPolicy } from "../center/policy";
import { centerOfHost, hostOf, type CenterInfo } from "./request-center";
import { callSidecar } from "./call-sidecar";
import { DEFAULT_TIME_ZONE } from "../calendar";
import { getSidecar } from "./sidecar";

export { centerOfHost, centerOfRequest, hostOf, type CenterInfo } from "./request-center";

/** The center of the request being rendered (a page, a layout, a server action), id and name. */
export const currentCenterInfo = cache(async (): Promise<CenterInfo> => {
  return centerOfHost(hostOf(await headers()), await getSidecar());
});

/** The id of the center of the request being rendered. */
export async function currentCenter(): Promise<string> {
  return (await currentCenterInfo()).id;
}

/**
 * The request's center's public settings (its host's, `currentCenter`) for a server-rendered page, read once per request however many
 * parts of the page ask (the root layout for the time zone, /tutors for the booking rules):
 * one `centerPolicy` RPC, rows read only. Null when the sidecar is out of reach.
 */
export const loadCenterPolicy = cache(async (): Promise<CenterPolicy | null> => {
  try {
    const [sidecar, center] = await Promise.all([getSidecar(), currentCenter()]);
    return await callSidecar(() => sidecar.centerPolicy(center));
  } catch {
    return null;
  }
});

/** The zone every time on the site is shown in; without the sidecar, the default the fallback chat books in. */
export async function loadCenterTimeZone(): Promise<string> {
  return (await loadCenterPolicy())?.timeZone ?? DEFAULT_TIME_ZONE;
}
