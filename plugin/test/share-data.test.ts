import { describe, expect, test } from "bun:test";
import { shareIdOf } from "../src/protocol.js";
import { buildShareData, SessionMissingError } from "../src/share-data.js";
import { FakeClient, fixtureShareData } from "./helpers.js";

describe("buildShareData", () => {
  test("rebuilds the fixture ShareData exactly from what the SDK client returns", async () => {
    const fixture = fixtureShareData();
    const client = new FakeClient([fixture]);
    const built = await buildShareData(client, fixture.sessionId);
    expect(built).toEqual(fixture);
    expect(built.subsessions).toBeUndefined();
  });

  test("shareId is the last 8 characters of the session id", () => {
    expect(shareIdOf("ses_df22f7536ffedYzOPY8O3MpUrh")).toBe("8O3MpUrh");
  });

  test("task sub-agent sessions, and theirs, are carried under subsessions", async () => {
    const fixture = fixtureShareData();
    const client = new FakeClient([fixture]);
    const child = { ...fixture.session, id: "ses_child000000000000000000001", parentID: fixture.sessionId, title: "Explore (@general subagent)" };
    const grandchild = { ...fixture.session, id: "ses_grandchild0000000000000002", parentID: child.id, title: "nested" };
    const unrelated = { ...fixture.session, id: "ses_other00000000000000000003", title: "someone else" };
    const childMessages = fixture.messages.slice(0, 2).map((m) => ({
      info: { ...m.info, sessionID: child.id },
      parts: m.parts.map((p) => ({ ...p, sessionID: child.id })),
    }));
    client.add(child, childMessages);
    client.add(grandchild, []);
    client.add(unrelated, fixture.messages);

    const built = await buildShareData(client, fixture.sessionId);
    expect(Object.keys(built.subsessions ?? {}).sort()).toEqual([child.id, grandchild.id].sort());
    expect(built.subsessions![child.id]!.session.title).toBe("Explore (@general subagent)");
    expect(built.subsessions![child.id]!.messages).toEqual(childMessages as any);
    expect(built.messages).toEqual(fixture.messages);
  });

  test("a session OpenCode does not know is reported as missing", async () => {
    const client = new FakeClient([]);
    await expect(buildShareData(client, "ses_nothere0000000000000")).rejects.toBeInstanceOf(SessionMissingError);
  });

  test("updatedAt follows the newest message when the session time lags behind", async () => {
    const fixture = fixtureShareData();
    const session = { ...fixture.session, time: { ...fixture.session.time, updated: fixture.session.time.created } };
    const client = new FakeClient();
    client.add(session, fixture.messages);
    const built = await buildShareData(client, fixture.sessionId);
    expect(built.createdAt).toBe(fixture.session.time.created);
    expect(built.updatedAt).toBe(1795528149238);
  });
});
