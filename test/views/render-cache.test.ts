import { describe, expect, test } from "bun:test";
import { RenderCache } from "../../src/core/render-cache.ts";
import { MemorySource } from "../helpers/memory-source.ts";

const v = (bytes: number, tag = "") => ({ bytes, tag });

describe("RenderCache", () => {
  test("returns what was stored for the same share, version and variant only", () => {
    const c = new RenderCache<ReturnType<typeof v>>(1000);
    c.set("a", "1", "p1", v(10, "x"));
    expect(c.get("a", "1", "p1")?.tag).toBe("x");
    expect(c.get("a", "1", "p2")).toBeUndefined();
    expect(c.get("a", "2", "p1")).toBeUndefined();
    expect(c.get("b", "1", "p1")).toBeUndefined();
  });

  test("stays within its byte budget by evicting the least recently used", () => {
    const c = new RenderCache<ReturnType<typeof v>>(100);
    c.set("a", "1", "p", v(40));
    c.set("b", "1", "p", v(40));
    c.get("a", "1", "p"); // a is now more recent than b
    c.set("c", "1", "p", v(40));
    expect(c.bytes).toBeLessThanOrEqual(100);
    expect(c.get("b", "1", "p")).toBeUndefined();
    expect(c.get("a", "1", "p")).toBeDefined();
    expect(c.get("c", "1", "p")).toBeDefined();
  });

  test("never stores a value larger than the whole budget", () => {
    const c = new RenderCache<ReturnType<typeof v>>(100);
    c.set("a", "1", "p", v(101));
    expect(c.size).toBe(0);
    expect(c.bytes).toBe(0);
  });

  test("a new version drops the share's older versions", () => {
    const c = new RenderCache<ReturnType<typeof v>>(1000);
    c.set("a", "1", "p1", v(10));
    c.set("a", "1", "p2", v(10));
    c.set("a", "2", "p1", v(10));
    expect(c.get("a", "1", "p2")).toBeUndefined();
    expect(c.size).toBe(1);
    expect(c.bytes).toBe(10);
  });

  test("replacing an entry keeps the byte count right", () => {
    const c = new RenderCache<ReturnType<typeof v>>(1000);
    c.set("a", "1", "p", v(10));
    c.set("a", "1", "p", v(30));
    expect(c.bytes).toBe(30);
    expect(c.size).toBe(1);
  });

  test("a change reported by the source drops every entry of that share", () => {
    const source = new MemorySource();
    const c = new RenderCache<ReturnType<typeof v>>(1000);
    const off = c.attach(source);
    c.set("a", "1", "p1", v(10));
    c.set("a", "1", "md", v(10));
    c.set("b", "1", "p1", v(10));
    source.remove("a");
    expect(c.get("a", "1", "p1")).toBeUndefined();
    expect(c.get("a", "1", "md")).toBeUndefined();
    expect(c.get("b", "1", "p1")).toBeDefined();
    expect(c.bytes).toBe(10);
    off();
    source.remove("b");
    expect(c.get("b", "1", "p1")).toBeDefined();
  });
});
