// Creates a fine-tuning job on TuneForge with the official OpenAI Node SDK, unchanged, follows it
// live, lists it, its events and checkpoints, and cancels it or waits for its end.
//
//   scripts/openai-jobs/install.sh
//   TUNEFORGE_API_KEY=<trainer key> node scripts/openai-jobs/openai-jobs.mjs \
//       --model tiny-llama --training-file support-chats [--steps 30] [--cancel]
//
// TUNEFORGE_BASE_URL defaults to the gateway, http://127.0.0.1:8080/v1. The last line printed is
// `RESULT {json}` with the job's final state; the exit code is 0 when every call behaved.
import OpenAI from "openai";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return acc;
  }, []));
if (!args.model || !args["training-file"]) {
  console.error("usage: openai-jobs.mjs --model NAME --training-file DATASET[@vN] [--steps N] [--cancel]");
  process.exit(2);
}
const client = new OpenAI({
  apiKey: process.env.TUNEFORGE_API_KEY,
  baseURL: process.env.TUNEFORGE_BASE_URL ?? "http://127.0.0.1:8080/v1",
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tag = `sdk-${Date.now()}`;

// OpenAI's fields, plus TuneForge's settings in its one extra object (the SDK sends it as given).
const job = await client.fineTuning.jobs.create({
  model: args.model,
  training_file: args["training-file"],
  suffix: "sdk",
  seed: 7,
  metadata: { run: tag },
  method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 1, batch_size: 2 } } },
  tuneforge: { adapter: "lora", lora_r: 4, sequence_len: 64, max_steps: Number(args.steps ?? 30), save_steps: 2 },
});
console.log("created", job.id, job.status, JSON.stringify(job.hyperparameters));

const again = await client.fineTuning.jobs.retrieve(job.id);
if (again.id !== job.id) throw new Error("retrieve returned " + again.id);

// Auto-paging list, filtered by our metadata.
const listed = [];
for await (const j of client.fineTuning.jobs.list({ limit: 2, metadata: { run: tag } })) listed.push(j.id);
if (listed.length !== 1 || listed[0] !== job.id) throw new Error("list by metadata gave " + listed);
console.log("listed", listed);

// Follow: print new events as they come (newest first in the API, printed oldest first).
const seen = new Set();
let current = again;
let metrics = 0;
let cancelSent = false;
const deadline = Date.now() + 300_000;
while (!["succeeded", "failed", "cancelled"].includes(current.status) && Date.now() < deadline) {
  const page = await client.fineTuning.jobs.listEvents(job.id, { limit: 50 });
  for (const e of [...page.data].reverse()) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    if (e.type === "metrics") metrics++;
    console.log("event", e.level, e.message);
  }
  if (args.cancel && !cancelSent && current.status === "running" && metrics >= 2) {
    cancelSent = true;
    current = await client.fineTuning.jobs.cancel(job.id);
    console.log("cancel requested", current.status);
  }
  await sleep(300);
  current = await client.fineTuning.jobs.retrieve(job.id);
}
const checkpoints = [];
for await (const c of client.fineTuning.jobs.checkpoints.list(job.id)) checkpoints.push(c.step_number);

let notFound = null;
try {
  await client.fineTuning.jobs.retrieve("ftjob-doesnotexist");
} catch (e) {
  notFound = e.status;
}
console.log("RESULT " + JSON.stringify({
  id: job.id,
  status: current.status,
  fine_tuned_model: current.fine_tuned_model,
  trained_tokens: current.trained_tokens,
  events: seen.size,
  metrics_events: metrics,
  checkpoints,
  not_found_status: notFound,
}));
