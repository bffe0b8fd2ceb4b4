import { describe, expect, test } from "bun:test";
import { bufferedLogger, isoNow, lineLogger, loggedPath, MAX_LOGGED_PATH } from "../../src/log.ts";
import { eventually } from "../helpers/eventually.ts";

const entry = { method: "GET", route: "/share/:id", path: "/share/abcd1234", status: 200, ms: 1.234, shareId: "abcd1234" };

describe("log lines", () => {
  test("text: METHOD path status ms", () => {
    const lines: string[] = [];
    lineLogger("text", (l) => lines.push(l)).access(entry);
    expect(lines).toEqual(["GET /share/abcd1234 200 1.2ms"]);
  });

  test("json: one object with time, level, method, route, path, status, ms, share", () => {
    const lines: string[] = [];
    const log = lineLogger("json", (l) => lines.push(l));
    log.access(entry);
    log.access({ ...entry, status: 503, route: null, shareId: null });
    log.info("listening");
    const [a, b, c] = lines.map((l) => JSON.parse(l));
    expect(Object.keys(a)).toEqual(["time", "level", "method", "route", "path", "status", "ms", "share"]);
    expect(a).toMatchObject({ level: "info", method: "GET", route: "/share/:id", path: "/share/abcd1234", status: 200, ms: 1.2, share: "abcd1234" });
    expect(Number.isNaN(Date.parse(a.time))).toBe(false);
    expect(b).toMatchObject({ level: "error", route: null, share: null });
    expect(c).toMatchObject({ level: "info", msg: "listening" });
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  test("json: the line is what JSON.stringify makes of the entry, whatever the path holds", () => {
    const lines: string[] = [];
    const log = lineLogger("json", (l) => lines.push(l));
    const paths = ["/share/abcd1234", '/a"b\\c', "/\u0000\u001f\u007f", "/ünï/☃/\ud83d\ude00", "/\ud800 lone", "/x\u2028y", "/ spaced ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"];
    for (const path of paths) log.access({ ...entry, path, ms: 0.05 });
    log.access({ ...entry, route: null, shareId: null, status: 500, ms: 12345.678 });
    for (const line of lines) {
      const o = JSON.parse(line);
      expect(line).toBe(JSON.stringify(o));
    }
    expect(lines.map((l) => JSON.parse(l).path)).toEqual([...paths, entry.path]);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: "error", route: null, share: null, ms: 12345.7 });
  });

  test("isoNow is Date's toISOString", () => {
    for (const t of [0, 999, 1000, 1_800_000_000_000, 1_800_000_000_007, 1_800_000_000_070, 1_800_000_000_999, 1_800_000_001_000, Date.now()])
      expect(isoNow(t)).toBe(new Date(t).toISOString());
  });

  test("a 10 KB path is cut to a bounded length and says so", () => {
    const long = "/" + "a".repeat(10_240);
    expect(loggedPath(long).length).toBeLessThan(MAX_LOGGED_PATH + 50);
    expect(loggedPath(long)).toEndWith(`…(${long.length - MAX_LOGGED_PATH} more characters)`);
    expect(loggedPath("/short")).toBe("/short");
  });
});

describe("bufferedLogger", () => {
  test("batches many lines into few writes, in order, without being asked to flush", async () => {
    const writes: string[] = [];
    const log = bufferedLogger("text", { write: (c) => void writes.push(c) });
    for (let i = 0; i < 500; i++) log.access({ ...entry, path: `/p${i}` });
    expect(writes.length).toBe(0);
    await eventually("the 500 lines to be written", () => writes.join("").split("\n").length >= 501, Boolean, { timeoutMs: 5000, intervalMs: 10 });
    const lines = writes.join("").trimEnd().split("\n");
    expect(lines.length).toBe(500);
    expect(lines.map((l) => l.split(" ")[1])).toEqual(Array.from({ length: 500 }, (_, i) => `/p${i}`));
    expect(writes.length).toBeLessThan(10);
  });

  test("flush() hands over everything pending, after earlier slow writes, and resolves when the sink has it", async () => {
    const got: string[] = [];
    const log = bufferedLogger("json", {
      write: async (c) => {
        await Bun.sleep(20);
        got.push(c);
      },
    });
    log.info("one");
    await log.flush();
    log.info("two");
    log.error("three");
    await log.flush();
    expect(got.join("").trimEnd().split("\n").map((l) => JSON.parse(l).msg)).toEqual(["one", "two", "three"]);
  });
});
