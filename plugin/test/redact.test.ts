import { describe, expect, test } from "bun:test";
import { redact, RedactionMemo, redactString } from "../src/redact.js";
import { fixtureShareData } from "./helpers.js";

// Secrets are assembled from pieces so no scanner mistakes this file for a leak.
const j = (...parts: string[]) => parts.join("");
const A40 = "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6r";

const SECRETS: Array<{ name: string; text: string; secret: string; kind: string }> = [
  { name: "AWS access key id", text: `aws configure set aws_access_key_id ${j("AKIA", "Z7Q4M2XW9PLK3JHD")}`, secret: j("AKIA", "Z7Q4M2XW9PLK3JHD"), kind: "aws-key" },
  { name: "AWS secret in credentials file", text: `aws_secret_access_key = ${A40}`, secret: A40, kind: "secret-assignment" },
  { name: "GitHub classic token", text: `git clone https://${j("ghp_", "R8x2LmQ9vT4kW7yZ1pN3cB6fH0jD5sA8uE2i")}@github.com/o/r`, secret: j("ghp_", "R8x2LmQ9vT4kW7yZ1pN3cB6fH0jD5sA8uE2i"), kind: "github-token" },
  { name: "GitHub fine-grained token", text: `GH=${j("github_pat_", "11ABCDEFG0", "x".repeat(10), "_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6rZq3vT8mR1kW6yH2pN9xL4cB7")}`, secret: j("github_pat_", "11ABCDEFG0"), kind: "github-token" },
  { name: "GitLab token", text: `token: ${j("glpat-", "x9Y8z7W6v5U4t3S2r1Q0")}`, secret: j("glpat-", "x9Y8z7W6v5U4t3S2r1Q0"), kind: "gitlab-token" },
  { name: "Anthropic key", text: `export ANTHROPIC=${j("sk-ant-api03-", "A".repeat(20), "b1C2d3E4f5G6h7I8j9K0".repeat(4), "-xyzAA")}`, secret: j("sk-ant-api03-", "A".repeat(20)), kind: "anthropic-key" },
  { name: "OpenAI project key", text: `client = OpenAI(api_key="${j("sk-proj-", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6r", "_Tq")}")`, secret: j("sk-proj-", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6r"), kind: "openai-key" },
  { name: "legacy sk- key", text: `key ${j("sk-", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6rP1q")}`, secret: j("sk-", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6rP1q"), kind: "api-key" },
  { name: "Stripe live key", text: `stripe.api_key = '${j("sk_live_", "51HqZ8vT4kW7yZ1pN3cB6fH0")}'`, secret: j("sk_live_", "51HqZ8vT4kW7yZ1pN3cB6fH0"), kind: "stripe-key" },
  { name: "Slack bot token", text: `SLACK ${j("xoxb-", "123456789012-1234567890123-", "AbCdEfGhIjKlMnOpQrStUvWx")}`, secret: j("xoxb-", "123456789012"), kind: "slack-token" },
  { name: "Slack webhook", text: `curl ${j("https://hooks.slack.com/services/", "T0ABCDEF1/B0ABCDEF2/", "aBcDeFgHiJkLmNoPqRsTuVwX")}`, secret: "aBcDeFgHiJkLmNoPqRsTuVwX", kind: "slack-webhook" },
  { name: "Google API key", text: `?key=${j("AIza", "SyD-8x2LmQ9vT4kW7yZ1pN3cB6fH0jD5sA8")}`, secret: j("AIza", "SyD-8x2LmQ9vT4kW7yZ1pN3cB6fH0jD5sA8"), kind: "google-api-key" },
  { name: "npm token", text: `//registry.npmjs.org/:_authToken=${j("npm_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3")}`, secret: j("npm_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3"), kind: "npm-token" },
  { name: "better-share creation token", text: `BETTER_SHARE_TOKEN=${j("bst_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6r-_x")} opencode`, secret: j("bst_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE3iO6r-_x"), kind: "better-share-token" },
  { name: "Hugging Face token", text: `HF ${j("hf_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE")}`, secret: j("hf_", "Zq3vT8mR1kW6yH2pN9xL4cB7fD0gS5jA8uE"), kind: "huggingface-token" },
  { name: "JWT", text: `Cookie: session=${j("eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")}`, secret: "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", kind: "jwt" },
  { name: "private key block", text: j("cat id_ed25519\n-----BEGIN OPENSSH ", "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBfakeFAKEfake\n-----END OPENSSH ", "PRIVATE KEY-----\ndone"), secret: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", kind: "private-key" },
  { name: "truncated private key", text: j("-----BEGIN RSA ", "PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2\n... (output truncated)"), secret: "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2", kind: "private-key" },
  { name: ".env assignment", text: "DATABASE_URL=sqlite://x\nSTRIPE_SECRET_KEY=whsec_9f8e7d6c5b4a\nDEBUG=1", secret: "whsec_9f8e7d6c5b4a", kind: "secret-assignment" },
  { name: "exported quoted password", text: `export DB_PASSWORD="Tr0ub4dor&3x"`, secret: "Tr0ub4dor&3x", kind: "secret-assignment" },
  { name: "JSON apiKey", text: `{"provider": "x", "apiKey": "abc123def456ghi789"}`, secret: "abc123def456ghi789", kind: "secret-assignment" },
  { name: "YAML client_secret", text: "oauth:\n  client_secret: 9a8b7c6d5e4f3a2b1c0d\n", secret: "9a8b7c6d5e4f3a2b1c0d", kind: "secret-assignment" },
  { name: "bearer header", text: `curl -H "Authorization: Bearer ${j("mF_9.B5f-4.1JqM", "AbCdEf")}" https://api`, secret: j("mF_9.B5f-4.1JqM", "AbCdEf"), kind: "auth-header" },
  { name: "password in a connection URL", text: "psql postgres://app:S3cr3tP4ss@db.internal:5432/app", secret: "S3cr3tP4ss", kind: "url-password" },
];

const NEAR_MISSES: Array<{ name: string; text: string }> = [
  { name: "ordinary prose about tokens", text: "The model used 10431 input tokens and 297 output tokens." },
  { name: "token count settings", text: "max_tokens: 4096\nTOKEN_LIMIT=100000" },
  { name: "code reading a token", text: "const token = await getToken();\nconst apiKey = process.env.OPENAI_API_KEY;\npassword = userPassword" },
  { name: "placeholders", text: 'API_KEY=<your-api-key>\nPASSWORD=${DB_PASSWORD}\n"token": "YOUR_TOKEN_HERE"\nSECRET=changeme\napi_key: "xxxxxxxx"' },
  { name: "git commit hashes", text: "commit 3717ed2a198da9a8331786e7b855aa288f0a5b25\nsnapshot 8df69820122529b44f408734a83a193299aa6d9f" },
  { name: "OpenCode ids", text: "ses_df22f7536ffedYzOPY8O3MpUrh msg_20dd08b0d001rRvNNE5tCFjoLU prt_20dd0d02d001LkqD05zH0ZaCBl call_mock_0001" },
  { name: "uuid and base64 words", text: "id 123e4567-e89b-12d3-a456-426614174000 and SGVsbG8gd29ybGQ=" },
  { name: "sk- words and AKIA in prose", text: "Use sk-learn, the task-runner, and AKIA prefixes (e.g. AKIA...) identify AWS keys." },
  { name: "URL with user but no password", text: "git clone https://user@github.com/org/repo.git and ssh://git@host:22/repo" },
  { name: "bash scripts", text: 'NAME="${1:-world}"\necho "Hello, ${NAME}!"\nset -euo pipefail' },
  { name: "public key", text: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0fakepublickeymaterial0000000 dev@host\n-----BEGIN PUBLIC KEY-----" },
  { name: "eyJ without JWT structure", text: 'payload eyJzdWIiOiIxIn0 is just base64 of {"sub":"1"}' },
  { name: "auth mode words", text: "AUTH_MODE=disabled\nauthorization: required" },
];

describe("redaction corpus", () => {
  for (const c of SECRETS) {
    test(`redacts ${c.name}`, () => {
      const counts: Record<string, number> = {};
      const out = redactString(c.text, {}, counts);
      expect(out).not.toContain(c.secret);
      expect(out).toContain(`[REDACTED:${c.kind}]`);
      expect(counts[c.kind]).toBeGreaterThan(0);
    });
  }

  for (const c of NEAR_MISSES) {
    test(`leaves ${c.name} alone`, () => {
      expect(redactString(c.text)).toBe(c.text);
    });
  }

  test("keeps the key name of an assignment so the page shows what was removed", () => {
    expect(redactString("OPENAI_API_KEY=abc123xyz789qwe")).toBe("OPENAI_API_KEY=[REDACTED:secret-assignment]");
    expect(redactString(`{"password": "hunter22!"}`)).toBe(`{"password": "[REDACTED:secret-assignment]"}`);
  });

  test("keeps the user of a URL and only hides its password", () => {
    expect(redactString("redis://default:pA55w0rd9@cache:6379")).toBe("redis://default:[REDACTED:url-password]@cache:6379");
  });

  test("redacting twice changes nothing more", () => {
    const once = redactString(SECRETS.map((c) => c.text).join("\n"));
    expect(redactString(once)).toBe(once);
  });
});

describe("home directory", () => {
  test("becomes ~ in paths, but a longer sibling name is not touched", () => {
    const out = redactString("cd /home/dev/greet-demo && ls /home/developer /home/dev", { home: "/home/dev" });
    expect(out).toBe("cd ~/greet-demo && ls /home/developer ~");
  });

  test("a trailing slash in the home setting does not matter", () => {
    expect(redactString("/Users/ana/x", { home: "/Users/ana/" })).toBe("~/x");
  });

  test("a root home would rewrite every path, so it is ignored", () => {
    expect(redactString("/etc/passwd", { home: "/" })).toBe("/etc/passwd");
  });
});

describe("redact over a ShareData", () => {
  test("no home path survives anywhere in the fixture and the shape is unchanged", () => {
    const data = fixtureShareData();
    const { value, counts } = redact(data, { home: "/home/dev" });
    const text = JSON.stringify(value);
    expect(text).not.toContain("/home/dev");
    expect(value.session.directory).toBe("~/greet-demo");
    expect(counts.home).toBeGreaterThan(10);
    expect(value.messages.length).toBe(data.messages.length);
    expect(value.messages.map((m) => m.parts.length)).toEqual(data.messages.map((m) => m.parts.length));
    // Only strings change: ids, numbers, and object keys stay exactly as they were.
    expect(value.messages.map((m) => m.info.id)).toEqual(data.messages.map((m) => m.info.id));
    expect((value.session as any).tokens).toEqual((data.session as any).tokens);
  });

  test("the fixture holds no secrets, so without a home nothing changes", () => {
    const data = fixtureShareData();
    const { value, counts } = redact(data, {});
    expect(value).toEqual(data);
    expect(counts).toEqual({});
  });

  test("a secret written by a tool is removed from input, output and metadata alike", () => {
    const key = j("AKIA", "Z7Q4M2XW9PLK3JHD");
    const part = { type: "tool", tool: "bash", state: { input: { command: `echo ${key}` }, output: key, metadata: { output: key } } };
    const text = JSON.stringify(redact(part).value);
    expect(text).not.toContain(key);
    expect(text.match(/\[REDACTED:aws-key\]/g)?.length).toBe(3);
  });
});

describe("redaction memo (one per shared session, reused across uploads)", () => {
  const key = j("AKIA", "Z7Q4M2XW9PLK3JHD");
  const longOutput = (n: number) => `${"build step ok\n".repeat(40)}aws=${key} home=/home/dev/project ${n}`;
  const session = (outputs: string[]) => ({ messages: outputs.map((output, i) => ({ id: `prt_${i}`, output, short: `/home/dev/${i}` })) });

  test("gives exactly what a fresh redaction gives, counts included, on every call", () => {
    const memo = new RedactionMemo();
    for (const outputs of [[longOutput(1)], [longOutput(1), longOutput(2)], [longOutput(1), longOutput(2), longOutput(2)]]) {
      const data = session(outputs);
      expect(redact(data, { home: "/home/dev", memo })).toEqual(redact(data, { home: "/home/dev" }));
    }
  });

  test("holds only the long strings of the latest call", () => {
    const memo = new RedactionMemo();
    redact(session([longOutput(1), longOutput(2)]), { home: "/home/dev", memo });
    expect(memo.size).toBe(2);
    redact(session([longOutput(2), longOutput(3)]), { home: "/home/dev", memo });
    expect(memo.size).toBe(2);
    redact(session([]), { home: "/home/dev", memo });
    expect(memo.size).toBe(0);
  });

  test("another home is never answered from the memo", () => {
    const memo = new RedactionMemo();
    const data = session([longOutput(1)]);
    redact(data, { home: "/home/dev", memo });
    const other = redact(data, { home: "/home/dev/project", memo }).value;
    expect(other.messages[0]!.output).toContain("home=~ 1");
  });
});
