// Whether the running OpenCode still has its built-in sharing (removed in
// 1.19.1). Asked once at start-up; a wrong guess only changes which /share the
// user sees, never where data goes.

interface RawClient {
  get?: (options: { url: string }) => Promise<{ data?: unknown }>;
}

export interface HostInfo {
  version?: string;
  builtInShare: boolean;
}

export async function detectHost(client: unknown, timeoutMs = 3000): Promise<HostInfo> {
  const version = await hostVersion(client, timeoutMs);
  if (version) return { version, builtInShare: hasBuiltInShare(version) };
  // Without a version, the SDK client OpenCode built for us tells whether its
  // API still has the share route.
  const share = (client as { session?: { share?: unknown } } | undefined)?.session?.share;
  return { builtInShare: typeof share === "function" };
}

async function hostVersion(client: unknown, timeoutMs: number): Promise<string | undefined> {
  // The generated client keeps its transport in `_client`; going through it
  // works whether OpenCode serves over TCP or in-process (TUI).
  const raw = (client as { _client?: RawClient } | undefined)?._client;
  if (typeof raw?.get !== "function") return undefined;
  try {
    const res = await Promise.race([
      raw.get({ url: "/global/health" }),
      new Promise<undefined>((resolve) => setTimeout(resolve, timeoutMs).unref?.()),
    ]);
    const version = (res?.data as { version?: unknown } | undefined)?.version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

export function hasBuiltInShare(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major !== 1) return major < 1;
  if (minor !== 19) return minor < 19;
  return patch < 1;
}
