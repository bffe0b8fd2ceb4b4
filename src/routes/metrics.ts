// GET /metrics: Prometheus text, behind `Authorization: Bearer $METRICS_TOKEN`
// when one is configured. A refused scrape changes no counter.
import { newElysia } from "../http/elysia.ts";
import { hashSecret, secretMatches } from "../core/secrets.ts";
import { bearerToken } from "../http/create-access.ts";
import type { Metrics } from "../http/metrics.ts";
import { json } from "../http/respond.ts";

export function metricsRoutes(metrics: Metrics, token: string | null) {
  const tokenHash = token === null ? null : hashSecret(token);
  return newElysia({ name: "metrics" }).get("/metrics", async ({ request }) => {
    if (tokenHash !== null) {
      const presented = bearerToken(request);
      if (presented === null || !secretMatches(presented, tokenHash))
        return json(
          { error: "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.", code: presented === null ? "TOKEN_REQUIRED" : "INVALID_TOKEN" },
          401,
          { "WWW-Authenticate": 'Bearer realm="metrics"' },
        );
    }
    return new Response(await metrics.text(), {
      headers: { "Content-Type": metrics.contentType, "Cache-Control": "no-store" },
    });
  });
}
