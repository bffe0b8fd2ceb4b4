// Conversions between the two shapes a share can take: ShareData (the uploaded
// blob, what pages and GET /api/share/:id use) and OpenCode's native items
// (what the native sync sends and `opencode import` reads from /data).
import { SHARE_FORMAT_V2, type MessageWithParts, type NativeItem, type Part, type Session, type ShareData } from "./model.ts";
import { pageModelOfV2 } from "./opencode-v2.ts";

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Minimal shape check: enough that every renderer can rely on these fields.
 * A share made from OpenCode 2 (`format: "opencode-v2"`) comes back as the
 * page model, converted once per version of the blob.
 */
export function checkShareData(
  v: unknown,
): { ok: true; data: ShareData; format?: typeof SHARE_FORMAT_V2 } | { ok: false; reason: string } {
  if (!isObj(v)) return { ok: false, reason: "the data is not a JSON object" };
  if (v.format !== undefined && v.format !== SHARE_FORMAT_V2)
    return { ok: false, reason: `its format ${JSON.stringify(String(v.format).slice(0, 40))} is newer than this server knows; updating the server will show it` };
  if (!isObj(v.session)) return { ok: false, reason: "the data has no session object" };
  if (!Array.isArray(v.messages)) return { ok: false, reason: "the data has no messages array" };
  if (v.subsessions !== undefined && !isObj(v.subsessions)) return { ok: false, reason: "subsessions is not an object" };
  if (v.format === SHARE_FORMAT_V2) return { ok: true, data: pageModelOfV2(v), format: SHARE_FORMAT_V2 };
  for (const m of v.messages) {
    if (!isObj(m) || !isObj(m.info) || !Array.isArray(m.parts))
      return { ok: false, reason: "a message is not shaped as {info, parts}" };
  }
  return { ok: true, data: v as unknown as ShareData };
}

/** Item identity for the native protocol: later items with the same key replace earlier ones. */
export function itemKey(item: NativeItem): string | null {
  const d = item.data as Record<string, unknown>;
  switch (item.type) {
    case "session":
      return "session";
    case "session_diff":
      return "session_diff";
    case "model":
      return "model";
    case "message":
      return typeof d?.id === "string" ? `m:${d.id}` : null;
    case "part":
      return typeof d?.id === "string" && typeof d?.messageID === "string" ? `p:${d.messageID}:${d.id}` : null;
  }
  return null;
}

/** An incrementally maintained ShareData built from native items. */
export class NativeAssembly {
  session: Session | null = null;
  sessionDiff: unknown[] = [];
  models: unknown[] = [];
  private messages = new Map<string, { info: any; parts: Map<string, Part> }>();
  private orphanParts = new Map<string, Map<string, Part>>();

  apply(key: string, data: unknown): void {
    if (key === "session") this.session = data as Session;
    else if (key === "session_diff") this.sessionDiff = Array.isArray(data) ? data : [];
    else if (key === "model") this.models = Array.isArray(data) ? data : [];
    else if (key.startsWith("m:")) {
      const id = key.slice(2);
      const existing = this.messages.get(id);
      if (existing) existing.info = data;
      else {
        // Parts may arrive before their message in a batch; adopt them.
        const parts = this.orphanParts.get(id) ?? new Map<string, Part>();
        this.orphanParts.delete(id);
        this.messages.set(id, { info: data, parts });
      }
    } else if (key.startsWith("p:")) {
      const part = data as Part;
      const msg = this.messages.get(part.messageID);
      if (msg) msg.parts.set(part.id, part);
      else {
        let parts = this.orphanParts.get(part.messageID);
        if (!parts) this.orphanParts.set(part.messageID, (parts = new Map()));
        parts.set(part.id, part);
      }
    }
  }

  toShareData(shareId: string, sessionId: string, createdAt: number, updatedAt: number): ShareData {
    // OpenCode ids sort in creation order, which is the conversation order.
    const ids = [...this.messages.keys()].sort();
    const messages: MessageWithParts[] = ids.map((id) => {
      const m = this.messages.get(id)!;
      const partIds = [...m.parts.keys()].sort();
      return { info: m.info, parts: partIds.map((p) => m.parts.get(p)!) };
    });
    const session =
      this.session ??
      ({ id: sessionId, title: "", version: "", time: { created: createdAt, updated: updatedAt } } as unknown as Session);
    return {
      shareId,
      sessionId,
      createdAt,
      updatedAt,
      session,
      messages,
      sessionDiff: this.sessionDiff,
      models: this.models,
    };
  }
}

/** ShareData → the item array `opencode import` accepts: session first, then messages, parts, diff, models. */
export function toNativeItems(data: ShareData): NativeItem[] {
  const out: NativeItem[] = [{ type: "session", data: data.session }];
  for (const m of data.messages) out.push({ type: "message", data: m.info });
  for (const m of data.messages) for (const p of m.parts) out.push({ type: "part", data: p });
  out.push({ type: "session_diff", data: data.sessionDiff ?? [] });
  out.push({ type: "model", data: data.models ?? [] });
  return out;
}
