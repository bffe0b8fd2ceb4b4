import { Layout } from "./layout.tsx";
import { fmtTime, isoTime } from "./lib/format.ts";

export function NotFoundPage(props: { robots: string }): string {
  return Layout({
    meta: { title: "Share not found · better-share", description: "This share does not exist or was removed.", robots: props.robots },
    children: (
      <div class="error-page">
        <h1>Share not found</h1>
        <p class="muted">This share does not exist, or its owner removed it.</p>
        <p>
          <a href="/">What is better-share?</a>
        </p>
      </div>
    ),
  }) as string;
}

/** The share exists but its data is corrupt, too large or not uploaded yet. */
export function CannotDisplayPage(props: { robots: string; reason: string; shareId?: string }): string {
  return Layout({
    meta: { title: "Cannot display this share · better-share", description: "This share's data cannot be displayed.", robots: props.robots },
    children: (
      <div class="error-page">
        <h1>This share cannot be displayed</h1>
        <p class="muted" safe>{props.reason}</p>
        {props.shareId ? (
          <p>
            {"The raw data may still be available as "}
            <a href={`/api/share/${props.shareId}`}>JSON</a>
            {"."}
          </p>
        ) : ""}
      </div>
    ),
  }) as string;
}

/** The share's lifetime has ended (410 until the server sweeps it). */
export function ExpiredPage(props: { robots: string; expiresAt: number }): string {
  return Layout({
    meta: { title: "Share expired · better-share", description: "This share has expired.", robots: props.robots },
    children: (
      <div class="error-page">
        <h1>Share expired</h1>
        <p class="muted">
          {"This share expired on "}
          <time datetime={isoTime(props.expiresAt)} safe>{fmtTime(props.expiresAt)}</time>
          {" and is no longer available."}
        </p>
        <p>
          <a href="/">What is better-share?</a>
        </p>
      </div>
    ),
  }) as string;
}
