// A circuit breaker around a remote store (Postgres, S3). While the store is
// unreachable, its client makes each call wait out connect timeouts and
// retries (up to 10 s for postgres.js, ~3 s for the S3 SDK); behind the
// breaker, calls fail at once with a 503 and the server stays responsive.
//
// A failed or slow call only makes the store *suspect*: the breaker then pings
// it (with a short deadline). A store that answers the ping is up and the call
// failed for its own reasons (bad input, a conflict), so a client cannot open
// the circuit by sending requests that fail. A store that does not answer
// opens the circuit: calls waiting on it are answered 503 right away, new calls
// too, and a ping every `probeMs` closes it again as soon as the store is back.
import { ApiError } from "../core/errors.ts";
import { wrapMethods } from "../core/wrap-methods.ts";

export interface CircuitOptions {
  /** A call still running after this long makes the store suspect. */
  slowMs?: number;
  /** A ping slower than this counts as a failed ping. */
  pingTimeoutMs?: number;
  /** How often an open circuit pings the store. */
  probeMs?: number;
  /** Told when the circuit opens or closes (for the server log). */
  onChange?: (open: boolean, reason: string) => void;
}

interface Pingable {
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class Circuit {
  private openSince: number | null = null;
  private probing: Promise<boolean> | null = null;
  private probeTimer: Timer | null = null;
  private waiting = new Set<(e: Error) => void>();
  private closed = false;
  private readonly slowMs: number;
  private readonly pingTimeoutMs: number;
  private readonly probeMs: number;

  constructor(
    private readonly name: string,
    private readonly store: Pingable,
    private readonly opts: CircuitOptions = {},
  ) {
    this.slowMs = opts.slowMs ?? 500;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 1000;
    this.probeMs = opts.probeMs ?? 100;
  }

  get isOpen(): boolean {
    return this.openSince !== null;
  }

  private unavailable(): ApiError {
    return new ApiError(503, "STORE_UNAVAILABLE", `The ${this.name} is unreachable right now; try again in a few seconds.`, {
      "Retry-After": "2",
    });
  }

  /** Pings the store once (shared by concurrent callers); true when it answered in time. */
  private ping(): Promise<boolean> {
    return (this.probing ??= (async () => {
      let timer: Timer | undefined;
      try {
        await Promise.race([
          this.store.ping(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("ping timeout")), this.pingTimeoutMs))),
        ]);
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
        this.probing = null;
      }
    })());
  }

  /** Something went wrong or is slow: open the circuit if the store does not answer a ping. */
  private suspect(reason: string): void {
    if (this.isOpen || this.closed) return;
    void this.ping().then((up) => {
      if (!up && !this.isOpen && !this.closed) this.open(reason);
    });
  }

  private open(reason: string): void {
    this.openSince = Date.now();
    this.opts.onChange?.(true, reason);
    const err = this.unavailable();
    for (const reject of this.waiting) reject(err);
    this.waiting.clear();
    const probe = () => {
      this.probeTimer = null;
      if (this.closed || !this.isOpen) return;
      void this.ping().then((up) => {
        if (up) this.close();
        else if (!this.closed) this.probeTimer = setTimeout(probe, this.probeMs);
      });
    };
    this.probeTimer = setTimeout(probe, this.probeMs);
  }

  private close(): void {
    if (!this.isOpen) return;
    const ms = Date.now() - this.openSince!;
    this.openSince = null;
    this.opts.onChange?.(false, `back after ${ms} ms`);
  }

  /** Runs one store call under the circuit. */
  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.isOpen) return Promise.reject(this.unavailable());
    return new Promise<T>((resolve, reject) => {
      const slow = setTimeout(() => this.suspect(`a call took over ${this.slowMs} ms`), this.slowMs);
      const settle = () => {
        clearTimeout(slow);
        this.waiting.delete(reject);
      };
      this.waiting.add(reject);
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(call());
      } catch (e) {
        pending = Promise.reject(e);
      }
      pending.then(
        (v) => {
          settle();
          resolve(v);
        },
        (e) => {
          settle();
          if (!(e instanceof ApiError)) this.suspect(String((e as Error)?.message ?? e).slice(0, 200));
          reject(e);
        },
      );
    });
  }

  /** Stops probing; the store itself is closed by its owner. */
  dispose(): void {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }
}

/**
 * Wraps every method of `store` that returns a promise in the circuit, so
 * methods added to the store interfaces later are covered without a change
 * here. `ping` goes through it too: /api/health reports an open circuit as down.
 * The `passThrough` methods reach the store whatever the circuit's state.
 */
export function withCircuit<T extends Pingable>(store: T, circuit: Circuit, passThrough: string[] = []): T {
  const exempt = new Set<PropertyKey>(passThrough);
  return wrapMethods(store, (prop, call) => {
    if (prop === "close")
      return () => {
        circuit.dispose();
        return call();
      };
    if (exempt.has(prop)) return undefined;
    return (...args) => circuit.run(() => call(...args) as Promise<unknown>);
  });
}
