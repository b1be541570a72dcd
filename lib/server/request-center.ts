import { hostCache, hostOf } from "../center/host-cache";
import type { SidecarApi } from "../sidecar-api";
import { callSidecar } from "./call-sidecar";

/*
 * Which center a request is for, by the host it was made to (docs/centers.md, "Routing by host"):
 * the route handlers' side (lib/server/visitor.ts), free of Next's request scope so it runs anywhere
 * a Request does; pages use lib/server/center.ts `currentCenter`, which reads the same cache.
 */

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

/** A route handler's center, from its request. */
export function centerOfRequest(request: Request, sidecar: SidecarApi): Promise<CenterInfo> {
  return centerOfHost(hostOf(request.headers, request.url), sidecar);
}

export { hostOf };
