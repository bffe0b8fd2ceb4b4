// A bound on how deeply JSON from clients may nest. JSON.parse copes with a
// value nested 50,000 deep, but JSON.stringify and every recursive renderer
// after it overflow the stack; no OpenCode session comes near the limit.

/** Arrays and objects inside each other, counted from the outermost value. */
export const MAX_JSON_DEPTH = 100;

/**
 * True when `text` nests arrays/objects deeper than `max`. A linear scan that
 * skips string contents, run before JSON.parse; on malformed text the answer
 * does not matter, since JSON.parse rejects it next.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Jump to the closing quote: one not preceded by an odd run of backslashes.
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return false;
        let k = j - 1;
        while (text.charCodeAt(k) === 92 /* \ */) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      i = j;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

export const tooDeepSentence = (what: string) =>
  `${what} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; this server accepts at most ${MAX_JSON_DEPTH}.`;
