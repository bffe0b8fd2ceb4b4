// A TCP proxy in front of a store, to cut it off the way networks fail:
// "refuse" closes every connection and refuses new ones (a stopped service);
// "blackhole" keeps connections open and answers nothing (a partition or a
// frozen host); "pass" forwards again, resetting the connections that were
// held silent (their bytes are lost, as after a partition that ends in resets).
import type { Socket, TCPSocketListener } from "bun";

export type ProxyMode = "pass" | "refuse" | "blackhole";

interface Pair {
  upstream: Socket<Pair> | null;
  client: Socket<Pair>;
  /** Bytes the client sent before the upstream connection was up. */
  queued: Uint8Array[];
}

export interface TcpProxy {
  port: number;
  setMode(mode: ProxyMode): void;
  stop(): void;
}

export function startTcpProxy(targetHost: string, targetPort: number): TcpProxy {
  let mode: ProxyMode = "pass";
  const pairs = new Set<Pair>();

  const cutAll = () => {
    for (const p of pairs) {
      p.client.end();
      p.upstream?.end();
    }
    pairs.clear();
  };

  const listener: TCPSocketListener<Pair> = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        const pair: Pair = { upstream: null, client, queued: [] };
        client.data = pair;
        if (mode === "refuse") {
          client.end();
          return;
        }
        pairs.add(pair);
        if (mode === "blackhole") return;
        Bun.connect<Pair>({
          hostname: targetHost,
          port: targetPort,
          data: pair,
          socket: {
            open(up) {
              pair.upstream = up;
              for (const chunk of pair.queued) up.write(chunk);
              pair.queued = [];
            },
            data(_up, chunk) {
              if (mode === "pass") pair.client.write(chunk);
            },
            close() {
              pair.client.end();
              pairs.delete(pair);
            },
            error() {
              pair.client.end();
              pairs.delete(pair);
            },
          },
        }).catch(() => {
          client.end();
          pairs.delete(pair);
        });
      },
      data(client, chunk) {
        const pair = client.data;
        if (mode !== "pass" || !pairs.has(pair)) return;
        if (pair.upstream) pair.upstream.write(chunk);
        else pair.queued.push(new Uint8Array(chunk));
      },
      close(client) {
        client.data?.upstream?.end();
        pairs.delete(client.data);
      },
      error(client) {
        client.data?.upstream?.end();
        pairs.delete(client.data);
      },
    },
  });

  return {
    port: listener.port,
    setMode(next) {
      if (next === "refuse" || (mode === "blackhole" && next === "pass")) cutAll();
      mode = next;
    },
    stop() {
      cutAll();
      listener.stop(true);
    },
  };
}
