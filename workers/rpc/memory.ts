import { MemoryPage } from "../memory-page";
import { usableIp, type Caller } from "../../services/limits";
import { BookingsRpc } from "./bookings";

/** The student's memory page and Forget me (workers/memory-page.ts, services/forget-me.ts). */
export class MemoryRpc extends BookingsRpc {
  /** What the assistant remembers about the owner, newest first. */
  async memoryFacts(ownerId: string) {
    return this.withOwner(ownerId, (owner) => new MemoryPage(this.env).facts(owner));
  }

  /** Deletes one fact; 404 when the owner's memory holds no such fact. */
  async memoryForget(ownerId: string, factId: string, client?: Caller) {
    return this.withOwner(ownerId, (owner) =>
      this.limited([["memoryEditsPerOwner", owner], ["writesPerIp", usableIp(client)]], () => new MemoryPage(this.env).forget(owner, factId)),
    );
  }

  /** The student's own value for a name, email, preference or goal (400 for another kind or a bad value). */
  async memoryCorrect(ownerId: string, factId: string, value: string, client?: Caller) {
    return this.withOwner(ownerId, (owner) =>
      this.limited([["memoryEditsPerOwner", owner], ["writesPerIp", usableIp(client)]], () => new MemoryPage(this.env).correct(owner, factId, value)),
    );
  }

  /** "Forget me" (services/forget-me.ts): all the owner id holds but the center's booking records; says what went and the browser's new id. */
  async forgetMe(ownerId: string, client?: Caller) {
    return this.withOwner(ownerId, (owner) =>
      this.limited([["forgetMePerOwner", owner], ["writesPerIp", usableIp(client)]], () => new MemoryPage(this.env).forgetMe(owner)),
    );
  }
}
