import { epoch, fmtTime, num, obj, str, prettyJson, type Obj } from "../lib/format.ts";

export function errorMessage(error: unknown): string {
  const e = obj(error);
  const data = obj(e.data);
  return str(data.message) || str(e.message) || str(e.name) || (error ? prettyJson(error, 2000) : "");
}

export function RetryPart(part: Obj): JSX.Element {
  const created = epoch(obj(part.time).created);
  const error = obj(part.error);
  const status = num(obj(error.data).statusCode);
  return (
    <div class="notice notice-warn">
      <strong safe>{`Retry attempt ${num(part.attempt) || "?"}`}</strong>
      {status ? <span class="muted" safe>{` HTTP ${status}`}</span> : ""}
      {created ? <span class="muted" safe>{` at ${fmtTime(created)}`}</span> : ""}
      <div class="error-text" safe>{errorMessage(part.error).slice(0, 4000)}</div>
    </div>
  );
}
