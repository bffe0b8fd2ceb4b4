// The per-minute request limit counts in memory and adds to the shared
// counter behind the requests, one write per address at a time and at most
// every half second.
import { describe, expect, test } from "bun:test";
import { RateLimiter } from "../../src/http/rate-limit.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { tempDir } from "../helpers/tmp.ts";

const NOW = 1_800_000_000_000;
const WINDOW = Math.floor(NOW / 1000) - (Math.floor(NOW / 1000) % 60);

async function setup() {
  const store = new SqliteShareStore(tempDir("bs-limit-"));
  await store.migrate();
  const writes: number[] = [];
  const realBump = store.bump.bind(store);
  store.bump = async (bucket, windowStart, delta) => {
    if (bucket.startsWith("req:") && delta !== 0) writes.push(delta);
    // A write that takes a moment, as over a network, so requests pile up behind it.
    await Bun.sleep(5);
    return realBump(bucket, windowStart, delta);
  };
  const limiter = (perMinute: number) => new RateLimiter(store, { sharesPerHour: 1000, requestsPerMinute: perMinute }, () => NOW);
  /** The shared counter, once the writes in flight have landed (bounded wait). */
  const shared = async (ip: string, expected: number) => {
    let n = -1;
    // Writes are half a second apart at least.
    for (let i = 0; i < 100 && n !== expected; i++) {
      n = await realBump(`req:${ip}`, WINDOW, 0);
      if (n !== expected) await Bun.sleep(50);
    }
    return n;
  };
  return { store, writes, limiter, shared };
}

const refused = async (p: Promise<void>) => p.then(() => false, (e) => e?.status === 429);

describe("request counting", () => {
  test("requests from one address make two writes however many come: the first, and one carrying the rest", async () => {
    const t = await setup();
    const l = t.limiter(1000);
    await Promise.all(Array.from({ length: 50 }, () => l.request("10.0.0.1")));
    // More while the first write is in flight and before the next is due.
    await Bun.sleep(20);
    for (let i = 0; i < 50; i++) await l.request("10.0.0.1");
    expect(await t.shared("10.0.0.1", 100)).toBe(100);
    expect(t.writes).toEqual([1, 99]);
  });

  test("one instance's own count is exact: the request past the budget is refused before any write returns", async () => {
    const t = await setup();
    const l = t.limiter(5);
    const results = await Promise.all(Array.from({ length: 7 }, () => refused(l.request("10.0.0.2"))));
    expect(results).toEqual([false, false, false, false, false, true, true]);
  });

  test("another instance's requests count once this instance's next write returns the shared total", async () => {
    const t = await setup();
    const a = t.limiter(5);
    const b = t.limiter(5);
    for (let i = 0; i < 4; i++) await a.request("10.0.0.3");
    expect(await t.shared("10.0.0.3", 4)).toBe(4);
    // b has not written yet: its first request passes, and its write brings back 5.
    expect(await refused(b.request("10.0.0.3"))).toBe(false);
    expect(await t.shared("10.0.0.3", 5)).toBe(5);
    expect(await refused(b.request("10.0.0.3"))).toBe(true);
  });

  test("a new minute starts a new count", async () => {
    const t = await setup();
    let now = NOW;
    const l = new RateLimiter(t.store, { sharesPerHour: 1000, requestsPerMinute: 2 }, () => now);
    const first = [await refused(l.request("10.0.0.5")), await refused(l.request("10.0.0.5")), await refused(l.request("10.0.0.5"))];
    expect(first).toEqual([false, false, true]);
    now += 60_000;
    expect(await refused(l.request("10.0.0.5"))).toBe(false);
  });

  test("while the store is down requests are not refused for it, and their count is written when it is back", async () => {
    const t = await setup();
    const l = t.limiter(1000);
    const realBump = t.store.bump;
    t.store.bump = async () => {
      throw new Error("database down");
    };
    for (let i = 0; i < 3; i++) await l.request("10.0.0.4");
    await Bun.sleep(10);
    t.store.bump = realBump;
    await l.request("10.0.0.4");
    expect(await t.shared("10.0.0.4", 4)).toBe(4);
  });
});
