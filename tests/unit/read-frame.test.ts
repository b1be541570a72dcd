import { describe, expect, it } from "vitest";
import { ServerFrame } from "../../lib/socket-frames";
import { NotificationsFrame } from "../../lib/notifications/schemas";
import { PONG, readFrame } from "../../lib/socket-protocol";

describe("readFrame (the chat's and the bell's sockets)", () => {
  it("reads a frame its schema accepts", () => {
    expect(readFrame(JSON.stringify({ v: 1, type: "notifications", unread: 2, latest: null }), NotificationsFrame)).toMatchObject({ type: "notifications", unread: 2 });
  });

  it("answers null for the keep-alive's pong, binary data, text that is not JSON, and a frame of the other socket", () => {
    expect(readFrame(PONG, ServerFrame)).toBeNull();
    expect(readFrame(new ArrayBuffer(4), ServerFrame)).toBeNull();
    expect(readFrame("{not json", ServerFrame)).toBeNull();
    expect(readFrame(JSON.stringify({ v: 1, type: "notifications", unread: 2, latest: null }), ServerFrame)).toBeNull();
  });
});
