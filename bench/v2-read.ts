// What reading a share made from OpenCode 2 costs over reading a 1.x one: the
// server parses every blob it reads (the baseline) and, for a 2.x blob, also
// converts it to the page model once per version (src/core/opencode-v2.ts).
// Prints the conversion's time against the parse's for 2.x sessions of ~2 MB
// and ~20 MB, interleaved, medians of 10.
import { checkShareData } from "../src/core/share-data.ts";
import { fmt, table, median } from "./lib.ts";

function v2Session(turns: number, outputChars: number): string {
  const out = "x".repeat(outputChars - 1) + "\n";
  const messages: unknown[] = [];
  let t = 1796153656184;
  for (let i = 0; i < turns; i++) {
    messages.push({ id: `msg_u${i}`, type: "user", time: { created: t++ }, text: `Prompt ${i}: please run the tests` });
    messages.push({
      id: `msg_a${i}`,
      type: "assistant",
      agent: "build",
      model: { id: "mock-1", providerID: "mock" },
      time: { created: t++, completed: t++ },
      finish: "stop",
      cost: 0.001,
      tokens: { input: 1000, output: 100, reasoning: 0, cache: { read: 0, write: 0 } },
      content: [
        { type: "reasoning", id: "r-0", text: "Thinking about step " + i },
        { type: "text", id: "text-0", text: `Running the tests, turn ${i}.` },
        {
          type: "tool",
          id: `call_${i}`,
          name: i % 2 ? "bash" : "edit",
          state: i % 2
            ? { status: "completed", input: { command: "npm test" }, content: [{ type: "text", text: out }], structured: { exit: 0, truncated: false } }
            : {
                status: "completed",
                input: { path: `src/f${i}.ts`, oldString: "a", newString: "b" },
                content: [{ type: "text", text: "Edited" }],
                structured: { files: [{ file: `src/f${i}.ts`, patch: "@@ -1 +1 @@\n-a\n+b\n" + out, status: "modified", additions: 1, deletions: 1 }], replacements: 1 },
              },
          time: { created: t, ran: t, completed: t + 5 },
        },
      ],
    });
  }
  return JSON.stringify({
    format: "opencode-v2",
    shareId: "BenchV21",
    sessionId: "ses_benchbenchBenchV21",
    createdAt: t,
    updatedAt: t,
    session: { id: "ses_benchbenchBenchV21", title: "bench", time: { created: 1796153656184, updated: t }, location: { directory: "/w" } },
    messages,
  });
}

const ms = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

const rows: Array<Record<string, string | number>> = [];
for (const [label, turns, chars] of [
  ["~2 MB", 200, 9_000],
  ["~20 MB", 2_000, 9_000],
] as const) {
  const text = v2Session(turns, chars);
  const parse: number[] = [];
  const convert: number[] = [];
  for (let r = 0; r < 12; r++) {
    let parsed: unknown;
    const p = ms(() => (parsed = JSON.parse(text)));
    const c = ms(() => {
      const checked = checkShareData(parsed);
      if (!checked.ok) throw new Error(checked.reason);
    });
    if (r < 2) continue; // warm-up
    parse.push(p);
    convert.push(c);
  }
  rows.push({
    session: `${label} (${(text.length / 1e6).toFixed(1)} MB, ${turns * 2} messages)`,
    "parse ms": fmt(median(parse), 1),
    "convert ms": fmt(median(convert), 1),
    "convert / parse": `${fmt(median(convert) / median(parse))}x`,
  });
}
console.log(table(rows));
console.log("Baseline: JSON.parse of the same blob, which every read of any share pays. The conversion runs once per version of a share, not per page view.");
