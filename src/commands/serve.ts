// `better-share serve`: open the stores, refuse an out-of-date schema, serve
// until SIGTERM/SIGINT, then finish in-flight requests and close the pools.
import { createApp } from "../app.ts";
import { describeStores, type Config } from "../config.ts";
import { toResponse } from "../http/errors.ts";
import { lineLogger, type Logger } from "../log.ts";
import { DiskBlobStore } from "../stores/blob-store.disk.ts";
import { openBlobStore, openShareStore, readyShareStore } from "../stores/open.ts";
import { VERSION } from "../version.ts";

export class StartupError extends Error {
  override name = "StartupError";
}

export interface Running {
  port: number;
  url: string;
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function startServer(config: Config, logger: Logger = lineLogger(config.logFormat, (l) => console.log(l))): Promise<Running> {
  const log = (line: string) => logger.info(line);
  const shares = openShareStore(config, log);
  const blobs = openBlobStore(config, log);
  try {
    const behind = await readyShareStore(shares);
    if (behind)
      throw new StartupError(
        `The database schema is at version ${behind.current} but this server needs ${behind.latest}: run \`better-share migrate\` with the same DATABASE_URL first.`,
      );
  } catch (e) {
    await Promise.allSettled([shares.close(), blobs.close()]);
    if (e instanceof StartupError) throw e;
    throw new StartupError(`Cannot reach the share store (${describeStores(config).share}): ${(e as Error).message}`);
  }

  if (blobs instanceof DiskBlobStore) {
    // Uploads cut off by a crash leave temp files behind; nothing else removes them.
    const stale = blobs.removeStaleTemps();
    if (stale.files > 0) log(`removed ${stale.files} temp file(s) (${stale.bytes} bytes) left by uploads interrupted before this start`);
  }

  const app = createApp({ config, shares, blobs, logger });
  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    // A little above the largest share so a slightly-too-big upload gets our 413 sentence.
    maxRequestBodySize: config.maxShareBytes + 1024 * 1024,
    idleTimeout: 60,
    // The peer address is looked up only by requests that use it (not the cached pages).
    fetch: (req, srv) => app.respond(req, () => srv.requestIP(req)?.address ?? null),
    // Reached only if the app's own handler throws; the same answer as everywhere else.
    error: (e) => toResponse(e, (line) => logger.error(line), "serve"),
  });
  app.startBackground();
  const stores = describeStores(config);
  log(`better-share ${VERSION} listening on http://${config.host}:${server.port} (public URL ${config.baseUrl}); share store: ${stores.share}; blob store: ${stores.blob}`);
  // The start-up line goes out at once: whoever started the server is waiting for it.
  await logger.flush();

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      // Without `true`, stop() lets in-flight requests finish before resolving.
      await server.stop();
      await app.close();
      await logger.flush();
      resolveDone();
    })());
  return { port: server.port!, url: `http://${config.host}:${server.port}`, stop, done };
}
