// The official OpenAI Node SDK, unchanged, against TuneForge's chat endpoint (gateway or service):
//   scripts/openai-sdk-chat/install.sh
//   TUNEFORGE_API_KEY=... TUNEFORGE_MODEL=ft:... node scripts/openai-sdk-chat/chat.mjs [base-url]
// Prints one JSON line: the plain completion, the streamed text and the usage of both.
import OpenAI from "openai";
const baseURL = process.argv[2] ?? process.env.TUNEFORGE_BASE_URL ?? "http://127.0.0.1:8080/v1";
const model = process.env.TUNEFORGE_MODEL;
const client = new OpenAI({ apiKey: process.env.TUNEFORGE_API_KEY, baseURL });
const messages = [{ role: "user", content: process.env.TUNEFORGE_PROMPT ?? "Hello" }];

const plain = await client.chat.completions.create({ model, messages, temperature: 0, max_tokens: 6 });

const stream = await client.chat.completions.create({
  model, messages, temperature: 0, max_tokens: 6, stream: true, stream_options: { include_usage: true },
});
let streamed = "";
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usage = chunk.usage;
  for (const c of chunk.choices) {
    streamed += c.delta?.content ?? "";
    if (c.finish_reason) finish = c.finish_reason;
  }
}

let missing = null;
try {
  await client.chat.completions.create({ model: "no-such-model", messages });
} catch (e) {
  missing = { status: e.status, code: e.code };
}

console.log(JSON.stringify({
  plain: plain.choices[0].message.content,
  plain_finish: plain.choices[0].finish_reason,
  plain_usage: plain.usage,
  streamed, finish, usage, chunks, missing,
}));
