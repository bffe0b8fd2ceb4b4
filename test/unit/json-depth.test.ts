import { describe, expect, test } from "bun:test";
import { jsonTooDeep } from "../../src/core/json-depth.ts";

const nest = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("jsonTooDeep", () => {
  const rows: Array<[string, string, number, boolean]> = [
    ["flat values", '{"a":1,"b":"x"}', 1, false],
    ["exactly at the limit", nest(100), 100, false],
    ["one over the limit", nest(101), 100, true],
    ["50,000 deep", nest(50_000), 100, true],
    ["objects and arrays count alike", '{"a":[{"b":[1]}]}', 3, true],
    ["brackets inside strings do not count", '["[[[[{{{{"]', 1, false],
    ["an escaped quote does not end a string", '["\\"[[[["]', 1, false],
    ["an escaped backslash before a quote does end it", '["\\\\", [[]]]', 2, true],
    ["unterminated string: left to JSON.parse", '["[[[[', 1, false],
  ];
  for (const [name, text, max, expected] of rows) test(name, () => expect(jsonTooDeep(text, max)).toBe(expected));

  test("every prefix of a deep document agrees with a reference count", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      let depth = 0;
      let maxDepth = 0;
      let text = "";
      for (let i = 0; i < 60; i++) {
        const r = rnd();
        if (r < 0.4) (text += "[", depth++, (maxDepth = Math.max(maxDepth, depth)));
        else if (r < 0.6 && depth > 0) (text += "]", depth--);
        else text += JSON.stringify(rnd() < 0.5 ? "]]}{\\" : '"[') + ",";
      }
      expect(jsonTooDeep(text, maxDepth)).toBe(false);
      if (maxDepth > 0) expect(jsonTooDeep(text, maxDepth - 1)).toBe(true);
    }
  });
});
