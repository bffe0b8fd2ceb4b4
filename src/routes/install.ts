// The server as the plugin's install point: GET /plugin.js is the OpenCode
// plugin as one file with this server as its default, GET /install a POSIX sh
// script that puts it where OpenCode loads local plugins without npm:
//
//   curl -fsSL https://share.example.com/install | sh
//   curl -fsSL https://share.example.com/install | BETTER_SHARE_TOKEN=bst_… sh
import { newElysia } from "../http/elysia.ts";
import { pluginBundle } from "../plugin-bundle.ts" with { type: "macro" };

const PLACEHOLDER = '"__BETTER_SHARE_SERVED_BASE_URL__"';

/** The plugin file with `baseUrl` as its default server. */
export function servedPlugin(baseUrl: string): string {
  const bundle: string = pluginBundle();
  const at = bundle.indexOf(PLACEHOLDER);
  // A plugin build without the placeholder would install a plugin that shares nowhere.
  if (at < 0 || bundle.indexOf(PLACEHOLDER, at + 1) >= 0) throw new Error("the embedded plugin must contain its base URL placeholder exactly once");
  return bundle.slice(0, at) + JSON.stringify(baseUrl) + bundle.slice(at + PLACEHOLDER.length);
}

/** A single-quoted sh word. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function installScript(baseUrl: string): string {
  return `#!/bin/sh
# Installs the better-share plugin for OpenCode from ${baseUrl}
#   curl -fsSL ${baseUrl}/install | sh
#   curl -fsSL ${baseUrl}/install | BETTER_SHARE_TOKEN=bst_... sh   (servers that need a creation token)
# It writes one file where OpenCode (1.x and 2.x) loads local plugins, plus the
# token file when a token is given, and changes nothing else. Safe to run again.
set -eu

BASE_URL=${shQuote(baseUrl)}
say() { printf 'better-share: %s\\n' "$*"; }
fail() { printf 'better-share: %s\\n' "$*" >&2; exit 1; }

[ -n "\${HOME:-}" ] || fail "HOME is not set; cannot tell where OpenCode keeps its configuration."
config_home="\${XDG_CONFIG_HOME:-$HOME/.config}"
opencode_dir="$config_home/opencode"

# OpenCode must be here already: its binary on PATH or where its installer
# puts it, or its configuration directory.
found=""
for name in opencode lildax; do
  if command -v "$name" >/dev/null 2>&1; then found="$(command -v "$name")"; break; fi
done
[ -n "$found" ] || { [ -x "$HOME/.opencode/bin/opencode" ] && found="$HOME/.opencode/bin/opencode"; } || true
[ -n "$found" ] || { [ -d "$opencode_dir" ] && found="$opencode_dir"; } || true
if [ -z "$found" ]; then
  fail "OpenCode was not found (no opencode on PATH, no $HOME/.opencode/bin/opencode, no $opencode_dir). Install OpenCode first, then run this again. Nothing was written."
fi

# OpenCode 1.x and 2.x both load {plugin,plugins}/*.{ts,js} under the global
# config directory. Keep an earlier install where it is, else use plugins/.
plugin_dir="$opencode_dir/plugins"
if [ -f "$opencode_dir/plugin/better-share.js" ]; then plugin_dir="$opencode_dir/plugin"; fi
target="$plugin_dir/better-share.js"
token_file="$opencode_dir/better-share/token"

download() {
  if command -v curl >/dev/null 2>&1; then curl -fsSL "$1" -o "$2"
  elif command -v wget >/dev/null 2>&1; then wget -q "$1" -O "$2"
  else return 1; fi
}

tmp="$(mktemp "\${TMPDIR:-/tmp}/better-share-plugin.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
download "$BASE_URL/plugin.js" "$tmp" || fail "could not download $BASE_URL/plugin.js (curl or wget needed). Nothing was written."
grep -q "better-share" "$tmp" || fail "$BASE_URL/plugin.js is not the better-share plugin. Nothing was written."

mkdir -p "$plugin_dir"
if [ -f "$target" ] && cmp -s "$tmp" "$target"; then
  say "the plugin at $target is already up to date"
else
  [ -f "$target" ] && action="updated" || action="installed"
  # Written next to the target and renamed, so OpenCode never loads half a file.
  cp "$tmp" "$target.tmp.$$"
  chmod 0644 "$target.tmp.$$"
  mv -f "$target.tmp.$$" "$target"
  say "$action the plugin at $target (found OpenCode: $found)"
fi
say "shares go to $BASE_URL"

undo="rm -f '$target'"
if [ -n "\${BETTER_SHARE_TOKEN:-}" ]; then
  (umask 077 && mkdir -p "$opencode_dir/better-share" && printf '%s\\n' "$BETTER_SHARE_TOKEN" > "$token_file.tmp.$$")
  chmod 0600 "$token_file.tmp.$$"
  mv -f "$token_file.tmp.$$" "$token_file"
  say "kept your creation token in $token_file (mode 0600)"
  undo="$undo '$token_file'"
elif [ -f "$token_file" ]; then
  say "kept the creation token already in $token_file"
fi

for config in "$opencode_dir/opencode.json" "$opencode_dir/opencode.jsonc"; do
  if [ -f "$config" ] && grep -q "opencode-better-share" "$config"; then
    say "note: $config also loads opencode-better-share from npm; remove it there so sharing runs once."
  fi
done

say "restart OpenCode, then type /share in a session."
say "to undo: $undo"
`;
}

export function installRoutes(baseUrl: string) {
  // Each body and its ETag are made on the first request for it, not at start.
  const once = (make: () => string) => {
    let made: { body: string; tag: string } | null = null;
    return () => {
      if (made) return made;
      const body = make();
      return (made = { body, tag: `"${Bun.hash(body).toString(36)}"` });
    };
  };
  const plugin = once(() => servedPlugin(baseUrl));
  const script = once(() => installScript(baseUrl));
  const send = (request: Request, { body, tag }: { body: string; tag: string }, type: string) =>
    request.headers.get("if-none-match") === tag
      ? new Response(null, { status: 304, headers: { ETag: tag } })
      : new Response(body, { headers: { "Content-Type": type, "Cache-Control": "no-cache", ETag: tag } });
  return newElysia({ name: "install" })
    .get("/plugin.js", ({ request }) => send(request, plugin(), "text/javascript; charset=utf-8"))
    .get("/install", ({ request }) => send(request, script(), "text/plain; charset=utf-8"));
}
