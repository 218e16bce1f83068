// Loads a GGUF model (and optionally a GGUF LoRA adapter) in llama.cpp's CPU build, as shipped by
// node-llama-cpp, and prints one JSON line: the greedy continuation of a prompt given as token ids,
// and llama.cpp's own tokenization of an optional text (to compare with the HF tokenizer).
//
//   node greedy.mjs --model m.gguf [--lora a.gguf] --ids 1,2,3 --max 16 [--text "some text"] [--kv f32|f16]
//
// The KV cache is float32 unless --kv f16 (llama.cpp's default) is given, and flash attention is
// off: with the defaults a near-tied greedy choice flipped (an F16 cache rounds keys and values),
// which would hide what the file itself computes.
//
// Used by the engine's GGUF cross-check test; never downloads or builds anything.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const modelPath = arg("model");
const loraPath = arg("lora");
const ids = (arg("ids") ?? "").split(",").filter((s) => s.length > 0).map(Number);
const max = Number(arg("max", "16"));
const text = arg("text");
const kv = (arg("kv", "f32") ?? "f32").toUpperCase();
if (!modelPath || ids.length === 0) {
  console.error("usage: node greedy.mjs --model m.gguf [--lora a.gguf] --ids 1,2,3 [--max 16] [--text t]");
  process.exit(2);
}

const llama = await getLlama({gpu: false, build: "never", skipDownload: true, logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath, gpuLayers: 0});
const context = await model.createContext({
  contextSize: Math.max(64, ids.length + max + 8),
  batchSize: Math.max(64, ids.length + max + 8),
  sequences: 1,
  threads: 1,
  flashAttention: false,
  experimentalKvCacheKeyType: kv,
  experimentalKvCacheValueType: kv,
  ...(loraPath ? {lora: {adapters: [{filePath: loraPath, scale: 1}]}} : {}),
});
const sequence = context.getSequence();
const tokens = [];
if (max > 0) {
  for await (const t of sequence.evaluate(ids, {temperature: 0})) {
    tokens.push(t);
    if (tokens.length >= max) {
      break;
    }
  }
}
const result = {tokens};
if (text !== undefined) {
  result.tokenized = Array.from(model.tokenize(text, true));
}
console.log(JSON.stringify(result));
await context.dispose();
await model.dispose();
await llama.dispose();
