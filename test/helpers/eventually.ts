// The one way tests wait for something another process (or a timer) makes true.

export type EventuallyOptions = {
  /** How long to keep reading before giving up; 10 s unless said. */
  timeoutMs?: number;
  /** Pause between reads; 200 ms unless said. */
  intervalMs?: number;
};

/**
 * Reads `read()` until `done(value)` holds and returns that value. A read that
 * throws counts as "not yet" (the other side may be restarting). After
 * `timeoutMs` it throws, naming `what` and the last value or error read, so a
 * failure says what was seen instead of only that time ran out.
 */
export async function eventually<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean = Boolean,
  { timeoutMs = 10_000, intervalMs = 200 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "nothing read";
  while (true) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = `last read: ${show(value)}`;
    } catch (error) {
      last = `last error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last.slice(0, 800)})`);
    await Bun.sleep(intervalMs);
  }
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
