// What every end-to-end suite starts from and how it ends: the scripted mock
// model, the egress guard, a better-share server and the plugin built for this
// run; and one stop for all of it, every OpenCode (both generations) and every
// server a test started on the way included.
import { startMockModel, type MockModel } from "./mock-model.ts";
import { startEgressProxy, type EgressProxy } from "./egress-proxy.ts";
import { startBetterShare, type BetterShare, type BetterShareOptions } from "./better-share.ts";
import { buildPlugin } from "./plugin-build.ts";
import { stopAllChildren } from "./processes.ts";

export type StackOptions = {
  /** The title the mock model answers title-generation calls with. */
  title?: string;
  /** Options for the better-share server; `false` starts none. */
  server?: BetterShareOptions | false;
  /** Build the plugin (see buildPlugin) and return its directory. */
  plugin?: boolean;
};

export type Stack = {
  model: MockModel;
  proxy: EgressProxy;
  server: BetterShare;
  /** The built plugin's directory ("" unless asked for). */
  pluginDir: string;
};

const stops: Array<() => Promise<void>> = [];

export async function startStack(options: StackOptions & { server: false }): Promise<Omit<Stack, "server">>;
export async function startStack(options?: StackOptions): Promise<Stack>;
export async function startStack(options: StackOptions = {}): Promise<Partial<Stack>> {
  const pluginDir = options.plugin ? buildPlugin() : "";
  const model = startMockModel({ title: options.title });
  stops.push(model.stop);
  const proxy = await startEgressProxy();
  stops.push(proxy.stop);
  const server = options.server === false ? undefined : await startBetterShare(options.server);
  return { model, proxy, server, pluginDir };
}

/**
 * Stops every OpenCode and better-share this process started, then the guard
 * and the model, and removes every temp dir; for afterAll.
 */
export async function stopStack(): Promise<void> {
  await stopAllChildren();
  for (const stop of stops.splice(0).reverse()) await stop();
}
