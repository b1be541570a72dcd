import { ok } from "../../lib/errors";
import { centerForHost } from "../../services/db/centers";
import { SidecarBase } from "./base";

/** Which center a request is for (docs/centers.md): the web worker asks by host name and caches the answer. */
export class CentersRpc extends SidecarBase {
  /**
   * The center `host` names (case and port ignored); the first center for a host no center claims,
   * and for anything that is not a host name. One indexed D1 read; the web worker keeps the answer
   * 60 s per host (lib/server/center.ts), so this runs about once a minute per isolate and host.
   */
  centerForHost(host: unknown) {
    return this.guard(async () => ok(await centerForHost(this.env.DB, { host: typeof host === "string" && host.length <= 253 ? host : null })));
  }
}
