// The circuit breaker in front of remote stores, with a fake store whose
// reachability the test controls (the real outages are in test/faults/).
import { describe, expect, test } from "bun:test";
import { ApiError } from "../../src/core/errors.ts";
import { Circuit, withCircuit } from "../../src/stores/circuit.ts";
import { eventually } from "../helpers/eventually.ts";

class FakeStore {
  up = true;
  /** When set, calls and pings never settle (a silent network). */
  silent = false;
  calls = 0;
  pings = 0;
  closed = false;
  private never = () => new Promise<never>(() => {});
  async get(id: string): Promise<string> {
    this.calls++;
    if (this.silent) return this.never();
    if (!this.up) throw new Error("connect ECONNREFUSED");
    if (id === "bad") throw new Error("invalid byte sequence for encoding UTF8");
    return `value ${id}`;
  }
  async ping(): Promise<void> {
    this.pings++;
    if (this.silent) return this.never();
    if (!this.up) throw new Error("connect ECONNREFUSED");
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  label(): string {
    return "sync method";
  }
}

function setup() {
  const fake = new FakeStore();
  const changes: string[] = [];
  const circuit = new Circuit("test store", fake, { slowMs: 30, pingTimeoutMs: 30, probeMs: 10, onChange: (open) => changes.push(open ? "open" : "closed") });
  const store = withCircuit(fake, circuit, ["label"]);
  return { fake, circuit, store, changes };
}

// The circuit's own timings are tens of milliseconds: poll at its pace.
const quickly = { timeoutMs: 2000, intervalMs: 5 };

describe("circuit breaker", () => {
  test("a call that fails while the store answers pings leaves the circuit closed", async () => {
    const { store, circuit, fake } = setup();
    for (let i = 0; i < 5; i++) await expect(store.get("bad")).rejects.toThrow("invalid byte sequence");
    await Bun.sleep(50);
    expect(circuit.isOpen).toBe(false);
    expect(await store.get("x")).toBe("value x");
    expect(fake.pings).toBeGreaterThan(0);
    await store.close();
  });

  test("an unreachable store opens the circuit: later calls fail with 503 without reaching it", async () => {
    const { store, circuit, fake, changes } = setup();
    fake.up = false;
    await expect(store.get("x")).rejects.toThrow("ECONNREFUSED");
    await eventually("the circuit to open", () => circuit.isOpen, Boolean, quickly);
    const before = fake.calls;
    const err = await store.get("y").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.code).toBe("STORE_UNAVAILABLE");
    expect(err.headers["Retry-After"]).toBeDefined();
    expect(fake.calls).toBe(before);
    expect(changes).toEqual(["open"]);
    await store.close();
  });

  test("calls waiting on a silent store are answered 503 once a ping goes unanswered", async () => {
    const { store, circuit, fake } = setup();
    fake.silent = true;
    const err = await store.get("x").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(circuit.isOpen).toBe(true);
    await store.close();
  });

  test("probes close the circuit once the store is back, with no call needed", async () => {
    const { store, circuit, fake, changes } = setup();
    fake.up = false;
    await store.get("x").catch(() => {});
    await eventually("the circuit to open", () => circuit.isOpen, Boolean, quickly);
    fake.up = true;
    await eventually("the circuit to close", () => !circuit.isOpen, Boolean, quickly);
    expect(changes).toEqual(["open", "closed"]);
    expect(await store.get("x")).toBe("value x");
    await store.close();
  });

  test("exempt methods and close reach the store whatever the state; close stops probing", async () => {
    const { store, circuit, fake } = setup();
    fake.up = false;
    await store.get("x").catch(() => {});
    await eventually("the circuit to open", () => circuit.isOpen, Boolean, quickly);
    expect(store.label()).toBe("sync method");
    await store.close();
    expect(fake.closed).toBe(true);
    const pings = fake.pings;
    await Bun.sleep(60);
    expect(fake.pings).toBe(pings);
  });
});
