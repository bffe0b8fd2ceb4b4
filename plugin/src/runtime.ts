import { homedir } from "node:os";
import { errorMessage } from "./api.js";
import type { CommandContext } from "./commands.js";
import type { Upload } from "./protocol.js";
import { defaultStorePath, SecretStore } from "./secret-store.js";
import { defaultTokenPath, readTokenFile, resolveSettings, type Settings } from "./settings.js";
import { Uploader, type Log, type Notify } from "./uploader.js";

// What both OpenCode generations share: settings, the secrets file, the
// uploader and the command context. Each entry (plugin.ts for 1.x, v2.ts for
// 2.x) only adapts its host's API to these pieces, so a share made under one
// generation is listed, synced and unshared by the other.

export interface RuntimeOverrides {
  env?: Record<string, string | undefined>;
  storePath?: string;
  /** Where the creation token file is read from (default defaultTokenPath). */
  tokenPath?: string;
  home?: string;
  debounceMs?: number;
}

export interface RuntimeHost {
  log: Log;
  notify: Notify;
  /** Store a note in the session that every client shows and the model never sees. */
  note: (sessionId: string, text: string) => Promise<void>;
  /** The upload body for a session, read from the host. */
  build: (sessionId: string) => Promise<Upload>;
}

export interface Runtime {
  settings: Settings;
  store: SecretStore;
  /** Absent when sharing is off (`settings.disabledReason` says why). */
  uploader?: Uploader;
  commands: CommandContext;
  log: Log;
  dispose(): Promise<void>;
}

export async function createRuntime(
  options: Record<string, unknown> | undefined,
  host: RuntimeHost,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  const { log } = host;
  const env = overrides.env ?? process.env;
  const settings = resolveSettings(options, env, readTokenFile(overrides.tokenPath ?? defaultTokenPath(env)));
  for (const problem of settings.problems) log("warn", problem);
  if (settings.disabledReason) log("error", `sharing disabled: ${settings.disabledReason}`);

  const store = new SecretStore(overrides.storePath ?? defaultStorePath(env), (message) => log("warn", message));
  let uploader: Uploader | undefined;
  if (settings.baseUrl) {
    uploader = new Uploader({
      baseUrl: settings.baseUrl,
      store,
      build: host.build,
      redact: settings.redact,
      token: settings.token,
      home: overrides.home ?? homedir(),
      log,
      notify: host.notify,
      debounceMs: overrides.debounceMs,
    });
    await uploader.init().catch((err) => log("warn", "could not read saved shares", { error: errorMessage(err) }));
  }

  return {
    settings,
    store,
    uploader,
    log,
    commands: {
      uploader,
      store,
      disabledReason: settings.disabledReason,
      log,
      notify: host.notify,
      note: host.note,
      defaultExpiresIn: settings.expiresIn,
    },
    dispose: async () => {
      await uploader?.dispose().catch(() => {});
    },
  };
}
