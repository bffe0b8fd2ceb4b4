import { describe, expect, test } from "bun:test";
import { DurationError, formatDuration, parseDuration } from "../../src/core/duration.ts";

describe("parseDuration", () => {
  test.each([
    ["90s", 90],
    ["15m", 900],
    ["12h", 43_200],
    ["30d", 2_592_000],
    ["4w", 2_419_200],
    [" 7d ", 604_800],
  ])("%p is %p seconds", (raw, seconds) => {
    expect(parseDuration(raw as string, "X")).toBe(seconds as number);
  });

  test("never is null only where allowed", () => {
    expect(parseDuration("never", "X", { allowNever: true })).toBeNull();
    expect(() => parseDuration("never", "X")).toThrow(DurationError);
  });

  test.each(["7 days", "-1d", "0", "0d", "1e9d", "90", "1.5h", "d", "", "10y", "999999999999w"])("%p is refused with a sentence naming the setting", (raw) => {
    let err: unknown;
    try {
      parseDuration(raw, "SOME_TTL");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DurationError);
    expect((err as Error).message).toStartWith("SOME_TTL must be");
  });

  test("formatDuration picks the largest exact unit", () => {
    expect(formatDuration(90)).toBe("90s");
    expect(formatDuration(2_592_000)).toBe("30d");
    expect(formatDuration(1_209_600)).toBe("2w");
    expect(formatDuration(3600)).toBe("1h");
  });
});
