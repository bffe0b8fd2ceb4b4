import { afterEach, describe, expect, test } from "bun:test";
import serverEntry from "../src/server.js";
import { BetterShare } from "../src/index.js";
import { FakeClient, FakeServer, fixtureShareData, tempDir } from "./helpers.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function fakeContext(options: Record<string, unknown>, draft: unknown) {
  const transforms: Array<(d: any) => unknown> = [];
  const ctx = {
    options,
    command: {
      transform: async (cb: (d: any) => unknown) => {
        transforms.push(cb);
        await cb(draft);
        return { dispose: async () => {} };
      },
    },
  };
  return { ctx: ctx as any, transforms };
}

describe("./server entry (both OpenCode generations)", () => {
  test("OpenCode 1.x finds the same plugin function under `server`", () => {
    expect(serverEntry.id).toBe("better-share");
    expect(serverEntry.server).toBe(BetterShare);
    expect(typeof serverEntry.setup).toBe("function");
  });

  test("OpenCode 2: registers /share, /unshare, /shares that run the same upload path", async () => {
    const server = new FakeServer();
    const dir = tempDir();
    const previous = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = dir.path;
    cleanups.push(() => server.stop(), dir.cleanup, () => {
      if (previous === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = previous;
    });
    const added: any[] = [];
    const { ctx } = fakeContext({ baseUrl: server.baseUrl }, { add: (c: any) => added.push(c) });
    await serverEntry.setup(ctx);
    expect(added.map((c) => c.name).sort()).toEqual(["share", "shares", "unshare"]);

    const fixture = fixtureShareData();
    const client = new FakeClient([fixture]);
    const share = added.find((c) => c.name === "share");
    const text = await share.execute({ sessionID: fixture.sessionId, client });
    expect(text).toContain(`${server.baseUrl}/share/${fixture.shareId}`);
    expect(server.blobs.has(fixture.shareId)).toBe(true);
    const unshare = added.find((c) => c.name === "unshare");
    expect(await unshare.execute({ sessionID: fixture.sessionId, client })).toContain("Unshared");
    expect(server.shares.size).toBe(0);
  });

  test("OpenCode 2 without a command `add` or a session client: nothing breaks", async () => {
    const { ctx } = fakeContext({ baseUrl: "http://127.0.0.1:9" }, { list: () => [] });
    await serverEntry.setup(ctx);
    const added: any[] = [];
    const second = fakeContext({ baseUrl: "http://127.0.0.1:9" }, { add: (c: any) => added.push(c) });
    await serverEntry.setup(second.ctx);
    expect(await added[0].execute({ sessionID: "ses_x0000000000" })).toContain("no session client");
  });
});
