import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

// Server secrets live here and nowhere else: OpenCode's own database is
// world-readable, so it only ever sees a local token (see adapter.ts).

export type ShareState = "active" | "deleting" | "stopped";

export interface ShareRecord {
  sessionId: string;
  shareId: string;
  /** Origin the share was created on; a later change of base URL must not send this secret elsewhere. */
  baseUrl: string;
  url: string;
  /** The server's secret (X-Share-Secret). */
  secret: string;
  /** What OpenCode stores instead of the server's secret. */
  localToken: string;
  title?: string;
  createdAt: number;
  syncedAt?: number;
  state: ShareState;
  /** Why syncing stopped, for /shares and the logs. */
  reason?: string;
}

interface FileShape {
  version: 1;
  shares: Record<string, ShareRecord>;
}

export function defaultStorePath(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".local", "share");
  return join(dataHome, "opencode", "better-share", "shares.json");
}

// Several plugin instances (one per project directory) can live in one
// OpenCode process; they must not interleave read-modify-write cycles.
const chains = new Map<string, Promise<unknown>>();

export class SecretStore {
  constructor(readonly path: string, private readonly onProblem: (message: string) => void = () => {}) {}

  async get(sessionId: string): Promise<ShareRecord | undefined> {
    return (await this.read()).shares[sessionId];
  }

  async byShareId(shareId: string): Promise<ShareRecord | undefined> {
    const shares = (await this.read()).shares;
    return Object.values(shares).find((r) => r.shareId === shareId);
  }

  async list(): Promise<ShareRecord[]> {
    return Object.values((await this.read()).shares).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Durable once the promise resolves (fsync + rename). */
  put(record: ShareRecord): Promise<void> {
    return this.mutate((file) => {
      file.shares[record.sessionId] = record;
    });
  }

  update(sessionId: string, patch: Partial<ShareRecord>): Promise<ShareRecord | undefined> {
    return this.mutate((file) => {
      const current = file.shares[sessionId];
      if (!current) return undefined;
      const next = { ...current, ...patch, sessionId };
      file.shares[sessionId] = next;
      return next;
    });
  }

  remove(sessionId: string): Promise<boolean> {
    return this.mutate((file) => {
      if (!(sessionId in file.shares)) return false;
      delete file.shares[sessionId];
      return true;
    });
  }

  private mutate<T>(change: (file: FileShape) => T): Promise<T> {
    const previous = chains.get(this.path) ?? Promise.resolve();
    const run = previous.then(async () => {
      // Re-read every time: another OpenCode process may have written since.
      const file = await this.read();
      const result = change(file);
      await this.write(file);
      return result;
    });
    const settled = run.catch(() => {});
    chains.set(this.path, settled);
    void settled.then(() => {
      if (chains.get(this.path) === settled) chains.delete(this.path);
    });
    return run;
  }

  private async read(): Promise<FileShape> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, shares: {} };
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed && typeof parsed === "object" && parsed.shares && typeof parsed.shares === "object") {
        return { version: 1, shares: parsed.shares };
      }
      throw new Error("unexpected shape");
    } catch {
      // Keep the damaged file for the user instead of overwriting the secrets in it.
      const aside = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, aside).catch(() => {});
      this.onProblem(`share secrets file was unreadable; moved it to ${aside}`);
      return { version: 1, shares: {} };
    }
  }

  private async write(file: FileShape): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(file, null, 2) + "\n", "utf8");
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => {});
      await rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    try {
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}
