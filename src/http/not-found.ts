// The answer for paths no route knows, outside /api.
export function notFoundHtml(): Response {
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex"><title>Not found · better-share</title></head><body>' +
    "<h1>Not found</h1><p>There is nothing at this address. Shares live at <code>/share/&lt;id&gt;</code>.</p>" +
    '<p><a href="/">Home</a></p></body></html>';
  return new Response(body, { status: 404, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" } });
}
