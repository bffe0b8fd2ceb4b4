// A scripted OpenAI-compatible chat-completions server for driving a real
// OpenCode deterministically. Every LLM call OpenCode makes for the agent
// consumes the next scripted response; title-generation calls are answered on
// the side so they never shift the script.

export type ToolCall = { name: string; args: Record<string, unknown> };

/** One assistant response, i.e. what the model says in one LLM call. */
export type Step = {
  reasoning?: string;
  text?: string;
  tools?: ToolCall[];
  usage?: { prompt: number; completion: number; reasoning?: number };
};

/** One user turn: the responses for every LLM call of that turn, in order. */
export type Turn = Step[];

export type ModelRequest = {
  at: number;
  kind: "agent" | "title" | "other";
  body: any;
  step?: Step;
  /** [turn index, step index] served, when kind is "agent". */
  position?: [number, number];
};

export type MockModel = {
  url: string;
  /** baseURL to put into the OpenCode provider options. */
  baseURL: string;
  requests: ModelRequest[];
  /** Append turns to the script; a test can script turn by turn. */
  push(...turns: Turn[]): void;
  /** Scripted steps not yet served. */
  remaining(): number;
  /** Problems seen while serving (script exhausted, unparseable bodies). */
  errors: string[];
  title: string;
  stop(): Promise<void>;
};

export type MockModelOptions = {
  turns?: Turn[];
  /** What title-generation calls get back. */
  title?: string;
  /** Split text into chunks of this many characters so OpenCode sees real deltas. */
  chunkSize?: number;
  log?: boolean;
};

export const MODEL_ID = "mock-model";

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((c: any) => (typeof c === "string" ? c : c?.text ?? "")).join("");
  return "";
}

// OpenCode asks for a title with a dedicated "title" agent whose system prompt
// names the job; that prompt is the only stable marker in the request.
export function isTitleRequest(body: any): boolean {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const system = messages.filter((m) => m.role === "system").map((m) => textOf(m.content)).join("\n");
  return /title generator|generate a (short )?title|thread title/i.test(system);
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

let callCounter = 0;

function sse(step: Step, chunkSize: number): string {
  const id = `chatcmpl-mock-${++callCounter}`;
  const created = Math.floor(Date.now() / 1000);
  const frame = (choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model: MODEL_ID,
      choices: choice ? [{ index: 0, ...choice }] : [],
      ...extra,
    })}\n\n`;
  let out = frame({ delta: { role: "assistant", content: "" }, finish_reason: null });
  // @ai-sdk/openai-compatible reads `reasoning_content` deltas as reasoning parts.
  for (const piece of chunks(step.reasoning ?? "", chunkSize))
    out += frame({ delta: { reasoning_content: piece }, finish_reason: null });
  for (const piece of chunks(step.text ?? "", chunkSize)) out += frame({ delta: { content: piece }, finish_reason: null });
  (step.tools ?? []).forEach((tool, index) => {
    const callId = `call_${callCounter}_${index}`;
    const args = JSON.stringify(tool.args);
    // The name arrives first and the arguments in pieces, as real providers stream them.
    out += frame({
      delta: { tool_calls: [{ index, id: callId, type: "function", function: { name: tool.name, arguments: "" } }] },
      finish_reason: null,
    });
    for (const piece of chunks(args, chunkSize))
      out += frame({ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null });
  });
  const finish = step.tools?.length ? "tool_calls" : "stop";
  out += frame({ delta: {}, finish_reason: finish });
  const prompt = step.usage?.prompt ?? 1000;
  const completion = step.usage?.completion ?? Math.max(1, Math.ceil(((step.text ?? "").length + (step.reasoning ?? "").length) / 4));
  out += frame(null, {
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      ...(step.usage?.reasoning ? { completion_tokens_details: { reasoning_tokens: step.usage.reasoning } } : {}),
    },
  });
  return out + "data: [DONE]\n\n";
}

export function startMockModel(options: MockModelOptions = {}): MockModel {
  const turns: Turn[] = [...(options.turns ?? [])];
  let turnIndex = 0;
  let stepIndex = 0;
  const requests: ModelRequest[] = [];
  const errors: string[] = [];
  const chunkSize = options.chunkSize ?? 24;
  const title = options.title ?? "Mock session";

  const nextStep = (): { step: Step; position: [number, number] } | undefined => {
    while (turnIndex < turns.length && stepIndex >= turns[turnIndex]!.length) {
      turnIndex++;
      stepIndex = 0;
    }
    if (turnIndex >= turns.length) return undefined;
    const position: [number, number] = [turnIndex, stepIndex];
    return { step: turns[turnIndex]![stepIndex++]!, position };
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname.endsWith("/models"))
        return Response.json({ object: "list", data: [{ id: MODEL_ID, object: "model", owned_by: "mock" }] });
      if (req.method !== "POST" || !url.pathname.endsWith("/chat/completions"))
        return Response.json({ error: { message: `mock model has no ${req.method} ${url.pathname}` } }, { status: 404 });
      let body: any;
      try {
        body = await req.json();
      } catch (error) {
        errors.push(`unparseable request body: ${error}`);
        return Response.json({ error: { message: "bad json" } }, { status: 400 });
      }
      let entry: ModelRequest;
      let step: Step;
      if (isTitleRequest(body)) {
        step = { text: title };
        entry = { at: Date.now(), kind: "title", body, step };
      } else {
        const next = nextStep();
        if (!next) {
          errors.push(`script exhausted at request ${requests.length + 1}`);
          step = { text: "The mock model has no scripted response left." };
          entry = { at: Date.now(), kind: "other", body, step };
        } else {
          step = next.step;
          entry = { at: Date.now(), kind: "agent", body, step, position: next.position };
        }
      }
      requests.push(entry);
      if (options.log || process.env.E2E_LOG)
        console.error(`[mock-model] ${entry.kind} ${entry.position ?? ""} tools=${(step.tools ?? []).map((t) => t.name).join(",")}`);
      if (body.stream === false) {
        return Response.json({
          id: `chatcmpl-mock-${++callCounter}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: MODEL_ID,
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: step.text ?? "",
                ...(step.tools?.length
                  ? {
                      tool_calls: step.tools.map((t, i) => ({
                        id: `call_${callCounter}_${i}`,
                        type: "function",
                        function: { name: t.name, arguments: JSON.stringify(t.args) },
                      })),
                    }
                  : {}),
              },
              finish_reason: step.tools?.length ? "tool_calls" : "stop",
            },
          ],
          usage: { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010 },
        });
      }
      return new Response(sse(step, chunkSize), {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      });
    },
  });

  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    errors,
    title,
    push: (...more) => void turns.push(...more),
    remaining: () => {
      let n = 0;
      for (let t = turnIndex; t < turns.length; t++) n += turns[t]!.length - (t === turnIndex ? stepIndex : 0);
      return n;
    },
    stop: async () => void (await server.stop(true)),
  };
}
