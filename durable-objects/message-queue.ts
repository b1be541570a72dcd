import { DurableObject } from "cloudflare:workers";

/** PLACEHOLDER: the bot message queue (issue 4). */
export class MessageQueue extends DurableObject<Env> {}
