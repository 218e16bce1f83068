package dev.tuneforge.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.cli.CliRun;
import dev.tuneforge.cli.basemodel.BaseModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tuneforge train} end to end, in-process, on a tiny model. */
class TrainCommandTest {
  @TempDir Path dir;

  private static String run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void trainsATinyChatJobAndWritesModelAndCheckpoints() throws IOException {
    BaseModel.init(dir.resolve("base"), BaseModel.config(32, 2), 3);
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      int a = i % 4;
      data.append("{\"messages\": [{\"role\": \"user\", \"content\": \"What is ")
          .append(a)
          .append(" plus 2?\"}," + " {\"role\": \"assistant\", \"content\": \"")
          .append(a + 2)
          .append("\"}]}\n");
    }
    Files.writeString(dir.resolve("chats.jsonl"), data);
    Files.writeString(
        dir.resolve("job.yaml"),
        """
        base_model: base
        datasets:
          - path: chats.jsonl
            type: chat
        sequence_len: 64
        sample_packing: true
        micro_batch_size: 2
        gradient_accumulation_steps: 1
        max_steps: 30
        learning_rate: 0.01
        lr_scheduler: cosine
        warmup_steps: 2
        val_set_size: 0.25
        eval_steps: 10
        save_steps: 10
        seed: 1
        output_dir: out
        """);
    String out = run("train", "--config", dir.resolve("job.yaml").toString());
    List<Double> losses = new ArrayList<>();
    Matcher m = Pattern.compile("step (\\d+)/30 .* loss ([0-9.]+) lr .* tok/s ETA").matcher(out);
    while (m.find()) {
      losses.add(Double.parseDouble(m.group(2)));
    }
    assertEquals(30, losses.size(), out);
    assertTrue(
        losses.get(29) < 0.5 * losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(29));
    assertTrue(out.contains("eval at step 30: loss"), out);
    Path o = dir.resolve("out");
    for (String f :
        List.of(
            "config.json",
            "model.safetensors",
            "tokenizer.json",
            "tokenizer_config.json",
            "checkpoints/step-10/manifest.json",
            "checkpoints/step-30/manifest.json",
            "checkpoints/step-30/trainable.safetensors",
            "checkpoints/step-30/optimizer.safetensors",
            "checkpoints/step-30/trainer_state.json",
            "checkpoints/step-30/job.json")) {
      assertTrue(Files.isRegularFile(o.resolve(f)), "missing " + f);
    }
    assertTrue(Files.readString(o.resolve("checkpoints/step-30/job.json")).contains("chats.jsonl"));

    String resumed = run("train", "--config", dir.resolve("job.yaml").toString(), "--resume");
    assertTrue(resumed.contains("resuming from") && resumed.contains("step-30"), resumed);
  }

  @Test
  void loraJobWritesAPeftAdapterThatChangesTheModelAndResumesBitwise() throws IOException {
    BaseModel.init(dir.resolve("base"), BaseModel.config(32, 2), 3);
    byte[] baseWeights = Files.readAllBytes(dir.resolve("base/model.safetensors"));
    TinyChats.write(dir.resolve("chats.jsonl"));
    String job =
        """
        base_model: base
        adapter: lora
        lora_r: 4
        lora_alpha: 8
        lora_target_modules: [q_proj, v_proj, gate_proj, down_proj]
        datasets:
          - path: chats.jsonl
            type: chat
        sequence_len: 64
        micro_batch_size: 2
        max_steps: 12
        learning_rate: 0.05
        save_steps: 6
        seed: 4
        output_dir: %s
        """;
    Files.writeString(dir.resolve("lora.yaml"), job.formatted("lora-out"));
    String out = run("train", "--config", dir.resolve("lora.yaml").toString());
    List<Double> losses = new ArrayList<>();
    Matcher m = Pattern.compile("step (\\d+)/12 .* loss ([0-9.]+) lr").matcher(out);
    while (m.find()) {
      losses.add(Double.parseDouble(m.group(2)));
    }
    assertEquals(12, losses.size(), out);
    assertTrue(losses.get(11) < losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(11));
    Path adapter = dir.resolve("lora-out");
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_config.json")));
    assertEquals(
        "LORA",
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(adapter.resolve("adapter_config.json").toFile())
            .get("peft_type")
            .asText());
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
    assertTrue(
        java.util.Arrays.equals(
            baseWeights, Files.readAllBytes(dir.resolve("base/model.safetensors"))),
        "the base model is frozen and untouched");

    // The trained adapter changes what the model computes.
    String base =
        run(
            "model",
            "score",
            "--model",
            dir.resolve("base").toString(),
            "--text",
            "What is 1 plus 2?");
    String tuned =
        run(
            "model",
            "score",
            "--model",
            dir.resolve("base").toString(),
            "--adapter",
            adapter.toString(),
            "--text",
            "What is 1 plus 2?");
    assertTrue(!base.equals(tuned), base + " vs " + tuned);

    // Stopped after the step-6 checkpoint and resumed: the same adapter bytes as the uninterrupted
    // run.
    Files.writeString(dir.resolve("lora2.yaml"), job.formatted("lora-out2"));
    run("train", "--config", dir.resolve("lora2.yaml").toString());
    Path ck = dir.resolve("lora-out2/checkpoints");
    try (var s = Files.list(ck)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().equals("step-6")) {
          try (var w = Files.walk(p)) {
            for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
              Files.delete(f);
            }
          }
        }
      }
    }
    Files.delete(dir.resolve("lora-out2/adapter_model.safetensors"));
    String resumed = run("train", "--config", dir.resolve("lora2.yaml").toString(), "--resume");
    assertTrue(resumed.contains("step-6"), resumed);
    assertTrue(
        java.util.Arrays.equals(
            Files.readAllBytes(adapter.resolve("adapter_model.safetensors")),
            Files.readAllBytes(dir.resolve("lora-out2/adapter_model.safetensors"))),
        "resumed adapter is byte-identical");
  }

  @Test
  void loraJobContinuesFromAPeftAdapterAndWritesOneThatModelScoreLoads() throws IOException {
    // The adapter PEFT 0.21 wrote on the tiny llama3 reference model (r 4, alpha 8, q/v/down_proj).
    Path resources = Path.of("../libs/llm/src/test/resources").toAbsolutePath().normalize();
    Path base = resources.resolve("reference/llama3-bf16");
    Path peft = resources.resolve("peft/llama3-lora");
    Files.writeString(
        dir.resolve("text.jsonl"),
        "{\"text\": \"the quick brown fox\"}\n" + "{\"text\": \"jumps over the lazy dog\"}\n");
    Files.writeString(
        dir.resolve("cont.yaml"),
        """
        base_model: %s
        adapter: lora
        lora_model_dir: %s
        lora_r: 4
        datasets:
          - path: text.jsonl
            type: text
        sequence_len: 32
        max_steps: 4
        learning_rate: 0.01
        save_steps: 2
        seed: 2
        output_dir: cont-out
        """
            .formatted(base, peft));
    String out = run("train", "--config", dir.resolve("cont.yaml").toString());
    assertTrue(out.contains("continuing from the PEFT adapter in " + peft), out);
    assertEquals(4, Pattern.compile("step \\d/4 .* loss").matcher(out).results().count(), out);
    Path adapter = dir.resolve("cont-out");
    assertTrue(
        Files.isRegularFile(adapter.resolve("checkpoints/step-2/trainable.safetensors")),
        "missing checkpoint");

    String text = "the lazy fox";
    String before =
        run(
            "model",
            "score",
            "--model",
            base.toString(),
            "--adapter",
            peft.toString(),
            "--text",
            text);
    String after =
        run(
            "model",
            "score",
            "--model",
            base.toString(),
            "--adapter",
            adapter.toString(),
            "--text",
            text);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var lpBefore = json.readTree(before).get("logprobs");
    var lpAfter = json.readTree(after).get("logprobs");
    assertTrue(lpAfter.size() > 0 && lpAfter.size() == lpBefore.size(), after);
    assertTrue(!lpBefore.equals(lpAfter), "training moved the adapter: " + before + " vs " + after);
  }

  @Test
  void qloraJobTrainsAdaptersOnAnNf4BaseThatLoadMergeAndResume() throws IOException {
    BaseModel.init(dir.resolve("base"), BaseModel.config(32, 2), 3);
    TinyChats.write(dir.resolve("chats.jsonl"));
    Files.writeString(
        dir.resolve("qlora.yaml"),
        """
        base_model: base
        adapter: qlora
        lora_r: 4
        lora_alpha: 8
        datasets:
          - path: chats.jsonl
            type: chat
        sequence_len: 64
        micro_batch_size: 2
        max_steps: 12
        learning_rate: 0.05
        save_steps: 6
        seed: 4
        output_dir: qlora-out
        """);
    String out = run("train", "--config", dir.resolve("qlora.yaml").toString());
    assertTrue(
        out.contains("qlora: base quantized to NF4") && out.contains("14 linear layers"), out);
    List<Double> losses = new ArrayList<>();
    Matcher m = Pattern.compile("step (\\d+)/12 .* loss ([0-9.]+) lr").matcher(out);
    while (m.find()) {
      losses.add(Double.parseDouble(m.group(2)));
    }
    assertEquals(12, losses.size(), out);
    assertTrue(losses.get(11) < losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(11));
    Path adapter = dir.resolve("qlora-out");
    for (String f :
        List.of(
            "adapter_config.json",
            "adapter_model.safetensors",
            "qlora_base.json",
            "checkpoints/step-6/manifest.json",
            "checkpoints/step-12/trainable.safetensors")) {
      assertTrue(Files.isRegularFile(adapter.resolve(f)), "missing " + f);
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(
        "LORA",
        json.readTree(adapter.resolve("adapter_config.json").toFile()).get("peft_type").asText());
    assertEquals(
        "nf4",
        json.readTree(adapter.resolve("qlora_base.json").toFile())
            .path("quantization_config")
            .path("bnb_4bit_quant_type")
            .asText());

    // A plain PEFT LoRA adapter to --adapter: it loads on the float base and changes the model.
    String base =
        run(
            "model",
            "score",
            "--model",
            dir.resolve("base").toString(),
            "--text",
            "What is 1 plus 2?");
    String tuned =
        run(
            "model",
            "score",
            "--model",
            dir.resolve("base").toString(),
            "--adapter",
            adapter.toString(),
            "--text",
            "What is 1 plus 2?");
    assertTrue(!base.equals(tuned), base + " vs " + tuned);

    String merged =
        run(
            "merge",
            "--model",
            dir.resolve("base").toString(),
            "--adapter",
            adapter.toString(),
            "--out",
            dir.resolve("merged-deq").toString(),
            "--dequantize-base");
    assertTrue(merged.contains("merging into the NF4-dequantized base: 14 base modules"), merged);
    String plain =
        run(
            "merge",
            "--model",
            dir.resolve("base").toString(),
            "--adapter",
            adapter.toString(),
            "--out",
            dir.resolve("merged").toString());
    assertTrue(
        plain.contains("trained on an NF4-quantized base") && plain.contains("--dequantize-base"),
        plain);

    // Stopped after the step-6 checkpoint and resumed: the base is re-quantized identically, so the
    // adapter is byte-identical to the uninterrupted run's.
    Files.writeString(
        dir.resolve("qlora2.yaml"),
        Files.readString(dir.resolve("qlora.yaml"))
            .replace("output_dir: qlora-out", "output_dir: qlora-out2"));
    run("train", "--config", dir.resolve("qlora2.yaml").toString());
    try (var w = Files.walk(dir.resolve("qlora-out2/checkpoints/step-12"))) {
      for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir.resolve("qlora-out2/adapter_model.safetensors"));
    String resumed = run("train", "--config", dir.resolve("qlora2.yaml").toString(), "--resume");
    assertTrue(resumed.contains("resuming from") && resumed.contains("step-6"), resumed);
    assertTrue(
        java.util.Arrays.equals(
            Files.readAllBytes(adapter.resolve("adapter_model.safetensors")),
            Files.readAllBytes(dir.resolve("qlora-out2/adapter_model.safetensors"))),
        "resumed adapter is byte-identical");
  }
}
