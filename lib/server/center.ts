import { cache } from "react";
import { headers } from "next/headers";
import type { CenterPolicy } from "../center/policy";
import { hostCache, hostOf } from "../center/host-cache";
import type { SidecarApi } from "../sidecar-api";
import { callSidecar } from "./call-sidecar";
import { DEFAULT_TIME_ZONE } from "../calendar";
import { getSidecar } from "./sidecar";

/** A center as a request knows it: its id (part of every owner id made there) and its name. */
export interface CenterInfo {
  id: string;
  name: string;
}

/** Which center a request is for (docs/centers.md, "Routing by host"), cached 60 s per host and isolate. */
const cachedCenter = hostCache<CenterInfo>();

export function centerOfHost(host: string, sidecar: SidecarApi, now = Date.now()): Promise<CenterInfo> {
  return cachedCenter(host, now, (key) => callSidecar(() => sidecar.centerForHost(key), { idempotent: true }));
}

export { hostOf };

/** A route handler's center, from its request. */
export function centerOfRequest(request: Request, sidecar: SidecarApi): Promise<CenterInfo> {
  return centerOfHost(hostOf(request.headers, request.url), sidecar);
}

/** The center of the request being rendered (a page, a layout, a server action), id and name. */
export const currentCenterInfo = cache(async (): Promise<CenterInfo> => {
  return centerOfHost(hostOf(await headers()), await getSidecar());
});

/** The id of the center of the request being rendered. */
export async function currentCenter(): Promise<string> {
  return (await currentCenterInfo()).id;
}

/**
 * The center's public settings for a server-rendered page, read once per request however many
 * parts of the page ask (the root layout for the time zone, /tutors for the booking rules):
 * one `centerPolicy` RPC, rows read only. Null when the sidecar is out of reach.
 */
export const loadCenterPolicy = cache(async (): Promise<CenterPolicy | null> => {
  try {
    const sidecar = await getSidecar();
    return await callSidecar(() => sidecar.centerPolicy());
  } catch {
    return null;
  }
});

/** The zone every time on the site is shown in; without the sidecar, the default the fallback chat books in. */
export async function loadCenterTimeZone(): Promise<string> {
  return (await loadCenterPolicy())?.timeZone ?? DEFAULT_TIME_ZONE;
}
