// SHARE_TTL_DEFAULT / SHARE_TTL_MAX: read with the one duration grammar, checked against each other.
import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("SHARE_TTL_DEFAULT / SHARE_TTL_MAX", () => {
  test("default to never", () => {
    const c = loadConfig({});
    expect([c.shareTtlDefault, c.shareTtlMax]).toEqual([null, null]);
  });
  test("are read as durations", () => {
    const c = loadConfig({ SHARE_TTL_DEFAULT: "7d", SHARE_TTL_MAX: "30d" });
    expect([c.shareTtlDefault, c.shareTtlMax]).toEqual([604_800, 2_592_000]);
    expect(loadConfig({ SHARE_TTL_DEFAULT: "90s", SHARE_TTL_MAX: "12h" }).shareTtlDefault).toBe(90);
    expect(loadConfig({ SHARE_TTL_DEFAULT: "never" }).shareTtlDefault).toBeNull();
  });
  test("a max alone makes it the default too: no share outlives the max", () => {
    expect(loadConfig({ SHARE_TTL_MAX: "30d" }).shareTtlDefault).toBe(2_592_000);
  });
  const bad: Array<[Record<string, string>, string]> = [
    [{ SHARE_TTL_DEFAULT: "7 days" }, "SHARE_TTL_DEFAULT must be a whole number and a unit"],
    [{ SHARE_TTL_MAX: "-1d" }, "SHARE_TTL_MAX must be a whole number and a unit"],
    [{ SHARE_TTL_DEFAULT: "0" }, "SHARE_TTL_DEFAULT must be a whole number and a unit"],
    [{ SHARE_TTL_MAX: "1e9d" }, "SHARE_TTL_MAX must be a whole number and a unit"],
    [{ SHARE_TTL_MAX: "999999999999d" }, "SHARE_TTL_MAX must be at most 100 years"],
    [{ SHARE_TTL_DEFAULT: "0s" }, "SHARE_TTL_DEFAULT must be longer than zero"],
    [{ SHARE_TTL_DEFAULT: "30s" }, "SHARE_TTL_DEFAULT must be at least 60s"],
    [{ SHARE_TTL_DEFAULT: "60d", SHARE_TTL_MAX: "30d" }, "SHARE_TTL_DEFAULT (60d) is longer than SHARE_TTL_MAX (30d)"],
    [{ SHARE_TTL_DEFAULT: "never", SHARE_TTL_MAX: "30d" }, "SHARE_TTL_DEFAULT (never) is longer than SHARE_TTL_MAX"],
  ];
  for (const [env, message] of bad)
    test(`refuses ${JSON.stringify(env)} naming the variable`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
});
