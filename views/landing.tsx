import { escapeHtml } from "@kitajs/html";
import { Layout } from "./layout.tsx";

export function LandingPage(props: { baseUrl: string; robots: string }): string {
  const safeBase = escapeHtml(props.baseUrl);
  const safePluginConfig = escapeHtml(JSON.stringify({ $schema: "https://opencode.ai/config.json", plugin: ["opencode-better-share"] }, null, 2));
  const safeEnterpriseConfig = escapeHtml(JSON.stringify({ $schema: "https://opencode.ai/config.json", enterprise: { url: props.baseUrl } }, null, 2));
  return Layout({
    meta: {
      title: "better-share · self-hosted sharing for OpenCode sessions",
      description: "A self-hosted server for sharing OpenCode sessions: your data stays on infrastructure you own.",
      url: props.baseUrl + "/",
      robots: props.robots,
    },
    children: (
      <div class="landing">
        <section class="hero">
          <h1>better-share</h1>
          <p>
            A self-hosted replacement for OpenCode's session sharing. Shared sessions are stored on this server (and the
            storage it is configured with), never on opncd.ai, and render as fast, readable pages that work without
            JavaScript.
          </p>
        </section>
        <h2>Point OpenCode at this server</h2>
        <h3>One command</h3>
        <p>
          On each machine with OpenCode (1.x or 2.x), install the plugin from this server; it shares here by default:
        </p>
        <pre>
          {"curl -fsSL "}
          {safeBase}
          {"/install | sh"}
        </pre>
        <p>
          For a server that needs a creation token: <code>curl -fsSL {safeBase}/install | BETTER_SHARE_TOKEN=bst_… sh</code>.
          The script writes the plugin to OpenCode's <code>plugins/</code> directory (and the token to a file only you
          can read), changes nothing else, and prints how to undo it.
        </p>
        <h3>With the npm package (any OpenCode version)</h3>
        <p>
          Add the plugin to <code>opencode.json</code>:
        </p>
        <pre>{safePluginConfig}</pre>
        <p>and tell it where this server lives:</p>
        <pre>
          {"export BETTER_SHARE_BASE_URL="}
          {safeBase}
        </pre>
        <p>
          Then use <code>/share</code> in OpenCode as usual. On OpenCode 1.19 and later the plugin adds{" "}
          <code>/share</code>, <code>/unshare</code> and <code>/shares</code> commands.
        </p>
        <h3>Without a plugin (OpenCode 1.18)</h3>
        <p>
          OpenCode 1.18 can share to a server of your own. Put this in <code>opencode.json</code>:
        </p>
        <pre>{safeEnterpriseConfig}</pre>
        <h2>What a shared page shows</h2>
        <p>
          Every message, tool call, diff and sub-agent session, with token use and cost; a Markdown export at{" "}
          <code>/share/&lt;id&gt;.md</code>; pages refresh live while the session runs. Removing a share in OpenCode
          removes it here, and pages are sent with <code>Cache-Control: no-cache</code> so no cache keeps a copy.
        </p>
      </div>
    ),
  }) as string;
}
