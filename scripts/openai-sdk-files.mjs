// Checks the files API with the official OpenAI Node SDK, unchanged, against a running TuneForge:
//   ./tuneforge up
//   mkdir -p /tmp/sdk && cp scripts/openai-sdk-files.mjs /tmp/sdk/ && cd /tmp/sdk && npm install openai && node openai-sdk-files.mjs
// Not part of the test suite, which needs no Node; last run: openai 7.57.0, every call passed.
import OpenAI from "openai";
import fs from "fs";
const client = new OpenAI({ apiKey: "unused", baseURL: "http://127.0.0.1:8080/v1" });
fs.writeFileSync("/tmp/tuneforge-sdk-train.jsonl", Array.from({length: 12}, (_, i) =>
  JSON.stringify({messages: [{role: "user", content: `q${i}`}, {role: "assistant", content: `a${i}`}]})).join("\n") + "\n");
const f = await client.files.create({ file: fs.createReadStream("/tmp/tuneforge-sdk-train.jsonl"), purpose: "fine-tune" });
console.log("created", f.id, f.status, f.bytes, f.filename);
const g = await client.files.retrieve(f.id);
console.log("retrieved", g.id, g.status);
const list = await client.files.list();
console.log("listed", list.data.some(x => x.id === f.id));
const content = await client.files.content(f.id);
console.log("content bytes", (await content.text()).length);
try { await client.files.retrieve("file-doesnotexist"); } catch (e) { console.log("error", e.status, e.message); }
const d = await client.files.delete(f.id);
console.log("deleted", d.deleted);
