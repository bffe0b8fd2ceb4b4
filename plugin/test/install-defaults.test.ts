// What an installed copy falls back on: the token file the install script
// writes, and the base URL of the server that served the plugin.
import { afterEach, describe, expect, test } from "bun:test";
import { defaultTokenPath, readTokenFile, resolveSettings, served } from "../src/settings.js";

const TOKEN = "bst_" + "F".repeat(43);

describe("token file", () => {
  test("is the last place a token comes from: option, then BETTER_SHARE_TOKEN, then the file (trimmed)", () => {
    const file = `${TOKEN}\n`;
    expect(resolveSettings({ baseUrl: "http://x" }, {}, file).token).toBe(TOKEN);
    expect(resolveSettings({ baseUrl: "http://x" }, { BETTER_SHARE_TOKEN: "bst_env" }, file).token).toBe("bst_env");
    expect(resolveSettings({ baseUrl: "http://x", token: "bst_opt" }, { BETTER_SHARE_TOKEN: "bst_env" }, file).token).toBe("bst_opt");
    expect(resolveSettings({ baseUrl: "http://x" }, {}, undefined).token).toBeUndefined();
  });

  test("a file holding something that is not a token is reported by name and not sent", () => {
    const s = resolveSettings({ baseUrl: "http://x" }, {}, "bst_a b\n");
    expect(s.token).toBeUndefined();
    expect(s.problems.join("\n")).toContain("the token file");
  });

  test("lives under the config home, and a missing file reads as none", () => {
    expect(defaultTokenPath({ XDG_CONFIG_HOME: "/cfg", HOME: "/h" })).toBe("/cfg/opencode/better-share/token");
    expect(defaultTokenPath({ HOME: "/h" })).toBe("/h/.config/opencode/better-share/token");
    expect(readTokenFile("/nonexistent/better-share/token")).toBeUndefined();
  });
});

describe("served base URL", () => {
  const original = served.baseUrl;
  afterEach(() => {
    served.baseUrl = original;
  });

  test("the unreplaced placeholder means no server: sharing stays off with the usual reason", () => {
    expect(resolveSettings({}, {}).disabledReason).toContain("no server configured");
  });

  test("a served copy uses its server unless the option or BETTER_SHARE_BASE_URL says otherwise", () => {
    served.baseUrl = "https://share.example.com";
    expect(resolveSettings({}, {}).baseUrl).toBe("https://share.example.com");
    expect(resolveSettings({}, { BETTER_SHARE_BASE_URL: "http://other:1" }).baseUrl).toBe("http://other:1");
    expect(resolveSettings({ baseUrl: "http://opt:2" }, { BETTER_SHARE_BASE_URL: "http://other:1" }).baseUrl).toBe("http://opt:2");
  });
});
