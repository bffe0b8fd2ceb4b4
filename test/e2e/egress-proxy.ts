// An HTTP(S) forward proxy that is the only way out for the processes under
// test. It records every host they try to reach and lets through only the
// package registry and loopback, so a test can prove no session content left
// the machine (e.g. to opncd.ai).
import net from "node:net";
import { execFileSync } from "node:child_process";

export type EgressAttempt = { at: number; method: string; host: string; port: number; allowed: boolean };

export type EgressProxy = {
  url: string;
  port: number;
  attempts: EgressAttempt[];
  /** Distinct hosts that were tried, allowed or not. */
  hosts(): string[];
  /** Distinct hosts that were tried and refused. */
  refused(): string[];
  /** Attempts to any host outside the registry and loopback. */
  foreign(): EgressAttempt[];
  allowedHosts: string[];
  stop(): Promise<void>;
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** The registry host npm is configured with on this machine (default registry.npmjs.org). */
export function registryHost(): string {
  const fromEnv = process.env.npm_config_registry ?? process.env.NPM_CONFIG_REGISTRY;
  let registry = fromEnv;
  if (!registry) {
    try {
      registry = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8", timeout: 15_000 }).trim();
    } catch {
      registry = undefined;
    }
  }
  try {
    return new URL(registry || "https://registry.npmjs.org/").hostname;
  } catch {
    return "registry.npmjs.org";
  }
}

function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const bracket = target.match(/^\[([^\]]+)\](?::(\d+))?$/);
  if (bracket) return { host: bracket[1]!, port: Number(bracket[2] ?? defaultPort) };
  const i = target.lastIndexOf(":");
  if (i > 0 && /^\d+$/.test(target.slice(i + 1))) return { host: target.slice(0, i), port: Number(target.slice(i + 1)) };
  return { host: target, port: defaultPort };
}

export type EgressProxyOptions = { allow?: string[]; log?: boolean };

export async function startEgressProxy(options: EgressProxyOptions = {}): Promise<EgressProxy> {
  const allowedHosts = options.allow ?? [registryHost()];
  const attempts: EgressAttempt[] = [];
  const sockets = new Set<net.Socket>();
  const isAllowed = (host: string) => LOOPBACK.has(host.toLowerCase()) || allowedHosts.includes(host.toLowerCase());

  const record = (method: string, host: string, port: number) => {
    const allowed = isAllowed(host);
    attempts.push({ at: Date.now(), method, host: host.toLowerCase(), port, allowed });
    if (options.log || process.env.E2E_LOG) console.error(`[egress] ${allowed ? "allow" : "REFUSE"} ${method} ${host}:${port}`);
    return allowed;
  };

  const refuse = (client: net.Socket, host: string) => {
    const body = `egress to ${host} is refused by the test proxy\n`;
    client.end(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };

  /** Connects to host:port, writes `preamble` to one side and what the client sent after its head to the other, then pipes both ways. */
  const forward = (client: net.Socket, host: string, port: number, preamble: { toClient?: string; toUpstream?: string }, rest: Buffer) => {
    const upstream = net.connect(port, host, () => {
      if (preamble.toClient) client.write(preamble.toClient);
      if (preamble.toUpstream) upstream.write(preamble.toUpstream);
      if (rest.length) upstream.write(rest);
      upstream.pipe(client);
      client.pipe(upstream);
      client.resume();
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  };

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      head = Buffer.concat([head, data]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > 64 * 1024) client.destroy();
        return;
      }
      client.off("data", onData);
      client.pause();
      const headerText = head.subarray(0, end).toString("latin1");
      const rest = head.subarray(end + 4);
      const [requestLine, ...headerLines] = headerText.split("\r\n");
      const [method = "", target = ""] = requestLine!.split(" ");

      if (method.toUpperCase() === "CONNECT") {
        const { host, port } = splitHostPort(target, 443);
        if (!record("CONNECT", host, port)) return refuse(client, host);
        return forward(client, host, port, { toClient: "HTTP/1.1 200 Connection Established\r\n\r\n" }, rest);
      }

      let url: URL;
      try {
        url = new URL(target);
      } catch {
        record(method, "(invalid)", 0);
        return refuse(client, target);
      }
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      if (!record(method, url.hostname, port)) return refuse(client, url.hostname);
      // One request per upstream connection keeps the forwarding trivially correct.
      const headers = headerLines.filter((l) => !/^(proxy-connection|connection|keep-alive):/i.test(l));
      forward(client, url.hostname, port, {
        toUpstream: `${method} ${url.pathname}${url.search} HTTP/1.1\r\n${[...headers, "Connection: close"].join("\r\n")}\r\n\r\n`,
      }, rest);
    };
    client.on("data", onData);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const distinct = (list: EgressAttempt[]) => [...new Set(list.map((a) => a.host))];

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    attempts,
    allowedHosts,
    hosts: () => distinct(attempts),
    refused: () => distinct(attempts.filter((a) => !a.allowed)),
    foreign: () => attempts.filter((a) => !LOOPBACK.has(a.host) && !allowedHosts.includes(a.host)),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
