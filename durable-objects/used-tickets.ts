import { z } from "../lib/zod";
import { migrate, sql, type CountingSql } from "./sql";
import { isWebSocketUpgrade, readSocketPass } from "../lib/socket-door";

/**
 * The socket tickets an object has spent (nonce → expiry), kept in its own storage until they
 * expire, so a ticket opens one socket even across an eviction or a restart of the object that
 * verifies it (memory alone forgot them, and a used ticket worked again within its 60 s).
 *
 * One row holds them all as JSON, rewritten on each spend with the expired ones left out: a socket
 * opened costs exactly one row written, and nothing is ever deleted row by row. The table is made
 * with the first spend and has a version of its own, so an object that never opened a socket (a
 * student never notified, a chat never opened live) has none of it. Read once per wake, on the
 * first upgrade; a refused upgrade writes nothing.
 */

const MIGRATIONS = [
  `CREATE TABLE used_tickets (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     nonces TEXT NOT NULL   -- JSON: { nonce: expiresAt (epoch ms) }, unexpired only
   )`,
] as const;

const Spent = z.record(z.string(), z.number());

/** A ticket lives 60 s and tickets are limited per owner: far fewer than this are ever live at once. */
const MOST_LIVE = 1_000;

export class UsedTickets {
  /** Undefined until read after a wake. */
  private spent: Map<string, number> | undefined;
  /** The table is there (made, or found, since this wake). */
  private made = false;

  constructor(private readonly db: CountingSql) {}

  /** Whether the ticket may open a socket: named, unexpired, and never spent here. Reads, never writes. */
  isFresh(nonce: string, expiresAt: number, now: number): boolean {
    if (!nonce || !Number.isFinite(expiresAt) || expiresAt <= now) return false;
    return !this.load().has(nonce);
  }

  /**
   * Records the ticket as spent, durably, before the socket opens (one row written). False when
   * it may not be (already spent, expired, or more live than any owner could have asked for).
   */
  spend(nonce: string, expiresAt: number, now: number): boolean {
    if (!this.isFresh(nonce, expiresAt, now)) return false;
    const live = new Map([...this.load()].filter(([, expiry]) => expiry > now));
    if (live.size >= MOST_LIVE) return false;
    live.set(nonce, expiresAt);
    if (!this.made) migrate(this.db, MIGRATIONS, "_schema_used_tickets");
    this.made = true;
    const json = JSON.stringify(Object.fromEntries(live));
    this.db.run(sql`INSERT INTO used_tickets (id, nonces) VALUES (1, ${json}) ON CONFLICT (id) DO UPDATE SET nonces = excluded.nonces`);
    this.spent = live;
    return true;
  }

  /**
   * The object's side of the socket door (lib/socket-door.ts): an upgrade whose pass is fresh here;
   * `refuse` answers for an owner who may not open it (404 or 410); only then is the ticket spent.
   * The owner it admits, or the response that refuses.
   */
  admit(request: Request, now: number, refuse: (ownerId: string) => Response | null): { ownerId: string } | Response {
    if (!isWebSocketUpgrade(request)) return Response.json({ error: { code: "upgrade_required", message: "This endpoint only accepts WebSocket upgrades." } }, { status: 426 });
    const pass = readSocketPass(request);
    const used = () => Response.json({ error: { code: "unauthorized", message: "That socket ticket was already used. Ask for a new one." } }, { status: 401 });
    if (!this.isFresh(pass.nonce, pass.expiresAt, now)) return used();
    const refusal = refuse(pass.ownerId);
    if (refusal) return refusal;
    if (!this.spend(pass.nonce, pass.expiresAt, now)) return used();
    return { ownerId: pass.ownerId };
  }

  /** The object's storage was deleted (a hard delete): nothing is remembered any more. */
  forget(): void {
    this.spent = new Map();
    this.made = false;
  }

  private load(): Map<string, number> {
    if (this.spent) return this.spent;
    const exists = this.db.first(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'used_tickets'`) !== undefined;
    const row = exists ? this.db.first<{ nonces: string }>(sql`SELECT nonces FROM used_tickets WHERE id = 1`) : undefined;
    this.made = exists;
    this.spent = new Map(Object.entries(row ? parseSpent(row.nonces) : {}));
    return this.spent;
  }
}

function parseSpent(json: string): Record<string, number> {
  try {
    const parsed = Spent.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  // Our own row, written only by spend(): unreadable means a bug, and the tickets in it are at most 60 s from expiring.
  console.error("[used-tickets] unreadable row; treating it as empty");
  return {};
}
