import { exports } from "cloudflare:workers";
import type { SidecarApi } from "../../lib/sidecar-api";
import { ServerFrame } from "../../lib/socket-frames";
import { socketPath } from "../../lib/socket-protocol";
import { unwrapOk } from "./helpers";

const sidecar = exports.default as unknown as SidecarApi;

/** A test's end of a chat socket: every frame it received, parsed with the shared schema. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: Array<() => void> = [];
  closedWith: number | null = null;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (event) => {
      this.frames.push(ServerFrame.parse(JSON.parse(String(event.data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.addEventListener("close", (event) => {
      this.closedWith = event.code;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Resolves once a frame matching `test` has arrived (already or later). */
  async next<T extends ServerFrame["type"]>(type: T, test: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true) {
    for (;;) {
      const found = this.frames.find((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type && test(frame as Extract<ServerFrame, { type: T }>));
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Every message seq received so far, in arrival order. */
  seqs(): number[] {
    return this.frames.flatMap((frame) => (frame.type === "messages" ? frame.messages.map((message) => message.seq) : []));
  }

  async closed(): Promise<number> {
    while (this.closedWith === null) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.closedWith;
  }
}

/** Opens a chat's socket the way a browser does: a ticket from the sidecar, then the upgrade through its fetch. */
export async function connect(sessionId: string, ownerId: string, ticketOwner = ownerId): Promise<{ response: Response; socket: TestSocket | null }> {
  const { ticket } = unwrapOk(await sidecar.issueSocketTicket(sessionId, ticketOwner));
  const response = await exports.default.fetch(
    new Request(`http://sidecar${socketPath(sessionId)}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } }),
  );
  return { response, socket: response.webSocket ? new TestSocket(response.webSocket) : null };
}
