// What the domain reports about itself for monitoring: shares created and
// deleted, syncs, the page cache, store failures. The core calls these and
// never knows whether anything listens (the Prometheus registry in
// src/http/metrics.ts does when METRICS=true).
import type { Protocol } from "../stores/share-store.ts";
import { wrapMethods } from "./wrap-methods.ts";

/** unshare: by its secret; expired: swept after its lifetime; admin: by an operator. */
export type DeleteReason = "unshare" | "expired" | "admin";
export type StoreName = "share" | "blob";

export interface Telemetry {
  shareCreated(protocol: Protocol): void;
  shareDeleted(reason: DeleteReason): void;
  synced(protocol: Protocol): void;
  pageCache(hit: boolean): void;
  /** Reads the page cache's size when metrics are collected. */
  watchPageCacheBytes(bytes: () => number): void;
  storeError(store: StoreName): void;
}

export const noTelemetry: Telemetry = {
  shareCreated() {},
  shareDeleted() {},
  synced() {},
  pageCache() {},
  watchPageCacheBytes() {},
  storeError() {},
};

/**
 * The same store with every failed call counted (rejected promises and
 * throws), the failure itself passed on unchanged. Methods run on the store
 * itself, so private fields and `instanceof` keep working.
 */
export function countingFailures<T extends object>(store: T, name: StoreName, telemetry: Telemetry): T {
  return wrapMethods(store, (_prop, call) => (...args) => {
    let out: unknown;
    try {
      out = call(...args);
    } catch (e) {
      telemetry.storeError(name);
      throw e;
    }
    if (out instanceof Promise)
      return out.catch((e) => {
        telemetry.storeError(name);
        throw e;
      });
    return out;
  });
}
