import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The layers are a lint rule, not a wish: workers/ (the sidecar's entry) → durable-objects/ →
 * services/ → lib/, type imports included. Each case lints one made-up file at a real path and
 * expects the layer rule to refuse an import that runs up (or to let one that runs down pass).
 */

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === "no-restricted-imports").map((message) => message.message);
}

describe("lint keeps the layers", () => {
  it.each([
    ["services/fixture.ts", 'import type { ChatSession } from "../durable-objects/chat-session";\nexport type T = ChatSession;\n', "services/ sits under the objects"],
    ["services/fixture.ts", 'import { openSocket } from "../workers/socket-route";\nexport const f = openSocket;\n', "services/ sits under the objects"],
    ["durable-objects/fixture.ts", 'import { openSocket } from "../workers/socket-route";\nexport const f = openSocket;\n', "never the sidecar's entry"],
    ["lib/fixture.ts", 'import type { BookingEnv } from "../services/bookings";\nexport type T = BookingEnv;\n', "lib/ never imports"],
    ["lib/fixture.ts", 'import { ChatSession } from "../durable-objects/chat-session";\nexport const c = ChatSession;\n', "lib/ never imports"],
    ["app/fixture.ts", 'import { cancelBooking } from "../services/bookings";\nexport const f = cancelBooking;\n', "only through the sidecar"],
    ["workers/staff/fixture.ts", 'import Sidecar from "../sidecar";\nexport const s = Sidecar;\n', "Nothing imports the sidecar's entry"],
  ])("%s may not import up: %s", async (path, code, message) => {
    const errors = await layerErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ["workers/fixture.ts", 'import { cancelBooking } from "../services/bookings";\nimport { ChatSession } from "../durable-objects/chat-session";\nexport const f = [cancelBooking, ChatSession];\n'],
    ["durable-objects/fixture.ts", 'import { cancelBooking } from "../services/bookings";\nexport const f = cancelBooking;\n'],
    ["services/fixture.ts", 'import { chatSession } from "./objects";\nimport { clock } from "../lib/time";\nexport const f = [chatSession, clock];\n'],
  ])("%s may import down", async (path, code) => {
    expect(await layerErrors(path, code)).toEqual([]);
  });
});
