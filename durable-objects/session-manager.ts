import { DurableObject } from "cloudflare:workers";

/** PLACEHOLDER: ends a booked tutoring session on time (issue 5). */
export class SessionManager extends DurableObject<Env> {}
