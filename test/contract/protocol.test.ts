// The plugin and the server each keep the protocol's types and id rules
// (plugin/src/protocol.ts; src/core/model.ts and ids.ts), because the plugin
// is published on its own and never imports from the server. This file is
// what keeps the two copies from drifting: the types must be assignable in
// both directions, and one table of ids must get the same answer from both.
import { describe, expect, test } from "bun:test";
import * as plugin from "../../plugin/src/protocol.ts";
import * as ids from "../../src/core/ids.ts";
import * as server from "../../src/core/model.ts";
import type * as service from "../../src/core/shares.ts";

/** `true` only when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// A type error on any line below is the contract test failing: say in both
// copies what the upload now looks like.
const agreed: {
  shareData: Same<plugin.ShareData, server.ShareData>;
  messageWithParts: Same<plugin.MessageWithParts, server.MessageWithParts>;
  subSession: Same<plugin.SubSession, server.SubSession>;
  shareDataV2: Same<plugin.ShareDataV2, server.ShareDataV2>;
  v2Session: Same<plugin.V2Session, server.V2Session>;
  v2Message: Same<plugin.V2Message, server.V2Message>;
  v2AssistantContent: Same<plugin.V2AssistantContent, server.V2AssistantContent>;
  v2ToolState: Same<plugin.V2ToolState, server.V2ToolState>;
  v2SubSession: Same<plugin.V2SubSession, server.V2SubSession>;
  upload: Same<plugin.Upload, server.AnyShareData>;
  shareStats: Same<plugin.ShareStats, service.ShareStats>;
} = {
  shareData: true,
  messageWithParts: true,
  subSession: true,
  shareDataV2: true,
  v2Session: true,
  v2Message: true,
  v2AssistantContent: true,
  v2ToolState: true,
  v2SubSession: true,
  upload: true,
  shareStats: true,
};

const SESSION_IDS: Array<[id: unknown, valid: boolean]> = [
  ["ses_dcce63c94ffet06Ois964LAeho", true],
  ["ses_12345678", true],
  ["ses_" + "a".repeat(120), true],
  ["ses_" + "a".repeat(121), false],
  ["ses_1234567", false],
  ["ses_abc-defghij", false],
  ["ses_abcdefgh\n", false],
  ["SES_abcdefgh", false],
  ["msg_abcdefgh", false],
  ["", false],
  [42, false],
  [undefined, false],
];

const SHARE_IDS: Array<[id: unknown, valid: boolean]> = [
  ["4LAeho12", true],
  ["00000000", true],
  ["4LAeho1", false],
  ["4LAeho123", false],
  ["4LAe-o12", false],
  ["../../x1", false],
  ["4LAeho1\n", false],
  [null, false],
];

describe("the plugin and the server agree on the protocol", () => {
  test("types are assignable both ways", () => {
    expect(Object.values(agreed).every((v) => v === true)).toBe(true);
  });

  for (const [id, valid] of SESSION_IDS) {
    test(`session id ${JSON.stringify(id)?.slice(0, 40)}: ${valid ? "accepted" : "refused"} by both`, () => {
      expect(plugin.isSessionId(id)).toBe(valid);
      expect(ids.isSessionId(id)).toBe(valid);
    });
  }

  for (const [id, valid] of SHARE_IDS) {
    test(`share id ${JSON.stringify(id)}: ${valid ? "accepted" : "refused"} by both`, () => {
      expect(plugin.isShareId(id)).toBe(valid);
      expect(ids.isShareId(id)).toBe(valid);
    });
  }

  test("both derive the same share id from a session id", () => {
    for (const [id, valid] of SESSION_IDS) {
      if (!valid) continue;
      const shareId = plugin.shareIdOf(id as string);
      expect(shareId).toBe(ids.shareIdFromSession(id as string));
      expect(ids.isShareId(shareId)).toBe(true);
    }
  });

  test("a 2.x upload tagged by the plugin is recognised as one by the server", () => {
    const upload: plugin.ShareDataV2 = {
      format: "opencode-v2",
      shareId: "4LAeho12",
      sessionId: "ses_dcce63c94ffet06Ois4LAeho12",
      createdAt: 1,
      updatedAt: 2,
      session: { id: "ses_dcce63c94ffet06Ois4LAeho12", time: { created: 1, updated: 2 } },
      messages: [],
    };
    expect(server.isShareDataV2(upload)).toBe(true);
    expect(upload.format).toBe(server.SHARE_FORMAT_V2);
  });
});
