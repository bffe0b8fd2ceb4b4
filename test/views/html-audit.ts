// Walks rendered HTML with Bun's HTMLRewriter (a real HTML tokenizer) and
// lists everything that could run code or load from elsewhere.
import { pageStyle } from "../../views/lib/assets.ts";

// <style> is checked on its own: the only one allowed is our stylesheet, in <head>, byte for byte.
const FORBIDDEN_TAGS = new Set(["iframe", "object", "embed", "svg", "math", "base", "form", "frame", "frameset", "applet", "template", "noscript", "textarea", "input"]);
const URL_ATTRS = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset", "background", "ping", "content"]);
const SAFE_URL = /^(\/|#|\?|https?:\/\/|mailto:)/i;
const SAFE_IMG = /^data:image\/(png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]*$/;

export interface AuditResult {
  problems: string[];
  elements: number;
}

/** `origin` is the server's own public origin, allowed in canonical links. */
export async function auditHtml(html: string, origin = "https://share.example.com"): Promise<AuditResult> {
  const problems: string[] = [];
  let elements = 0;
  let inlineScript = "";
  let styles = 0;
  let headStyles = 0;
  let styleText = "";
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        elements++;
        const tag = el.tagName.toLowerCase();
        if (FORBIDDEN_TAGS.has(tag)) problems.push(`<${tag}> element`);
        if (tag === "script" && !/^\/static\/[a-z]+\.[0-9a-f]{12}\.js$/.test(el.getAttribute("src") ?? "")) problems.push(`script without our src: ${el.getAttribute("src")}`);
        if (tag === "meta" && el.hasAttribute("http-equiv")) problems.push("meta http-equiv");
        const linkHref = el.getAttribute("href") ?? "";
        if (tag === "link" && !linkHref.startsWith("/static/") && !linkHref.startsWith(origin + "/")) problems.push(`link to ${el.getAttribute("href")}`);
        for (const [name, value] of el.attributes) {
          const n = name.toLowerCase();
          if (n.startsWith("on")) problems.push(`event handler attribute ${n} on <${tag}>`);
          if (n === "style") problems.push(`style attribute on <${tag}>`);
          if (n === "srcdoc") problems.push("srcdoc");
          if (URL_ATTRS.has(n) && !(tag === "meta" && n === "content")) {
            const v = value.trim();
            const ok = SAFE_URL.test(v) || (tag === "img" && n === "src" && SAFE_IMG.test(v));
            if (!ok) problems.push(`unsafe ${n}="${v.slice(0, 80)}" on <${tag}>`);
          }
        }
      },
    })
    .on("script", {
      text(t) {
        inlineScript += t.text;
      },
    })
    .on("style", {
      element() {
        styles++;
      },
      text(t) {
        styleText += t.text;
      },
    })
    .on("head > style", {
      element() {
        headStyles++;
      },
    });
  await rewriter.transform(new Response(html)).text();
  if (inlineScript.trim()) problems.push(`inline script: ${inlineScript.slice(0, 80)}`);
  if (styles > 1 || headStyles !== styles) problems.push(`${styles} <style> elements, ${headStyles} of them in <head>`);
  if (styles && styleText !== pageStyle()) problems.push(`<style> other than our stylesheet: ${styleText.slice(0, 80)}`);
  return { problems, elements };
}
