package dev.tuneforge.evaluator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * A demo base model (the cli's {@code base-model}, small and briefly trained) and a LoRA adapter
 * that teaches it a question its corpus never asks: "Double of three" → "six" (the corpus has the
 * number words, in sums, but never this question). The base model scores zero on it.
 */
public final class TinyTuning {
  static final String[] WORDS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty"
  };

  private TinyTuning() {}

  public static Path baseModel(Path dir) {
    Path base = dir.resolve("base");
    assertEquals(
        0,
        new CommandLine(new TuneForge())
            .execute(
                "base-model",
                "--out",
                base.toString(),
                "--steps",
                "80",
                "--hidden",
                "64",
                "--layers",
                "2"));
    return base;
  }

  /** "Double of three" → "six", for zero..ten. */
  public static String chats() {
    ObjectMapper json = new ObjectMapper();
    StringBuilder sb = new StringBuilder();
    for (int n = 0; n <= 10; n++) {
      ObjectNode chat = json.createObjectNode();
      var messages = chat.putArray("messages");
      messages.addObject().put("role", "user").put("content", "Double of " + WORDS[n]);
      messages.addObject().put("role", "assistant").put("content", WORDS[2 * n]);
      sb.append(chat).append('\n');
    }
    return sb.toString();
  }

  public static Path adapter(Path dir, Path base, int steps, double learningRate)
      throws IOException {
    return adapter(dir, base, steps, learningRate, "adapter");
  }

  public static Path adapter(Path dir, Path base, int steps, double learningRate, String name)
      throws IOException {
    Path train = dir.resolve("train.jsonl");
    Files.writeString(train, chats());
    ObjectNode job = new ObjectMapper().createObjectNode();
    job.put("base_model", base.toString());
    job.put("adapter", "lora");
    job.put("lora_r", 8);
    job.put("lora_alpha", 16);
    job.putArray("lora_target_modules")
        .add("q_proj")
        .add("k_proj")
        .add("v_proj")
        .add("o_proj")
        .add("gate_proj")
        .add("up_proj")
        .add("down_proj");
    job.putArray("datasets").addObject().put("path", train.toString()).put("type", "chat");
    job.put("sequence_len", 64);
    job.put("sample_packing", true);
    job.put("micro_batch_size", 4);
    job.put("max_steps", steps);
    job.put("learning_rate", learningRate);
    job.put("lr_scheduler", "cosine");
    job.put("warmup_steps", 5);
    job.put("seed", 7);
    Path out = dir.resolve(name);
    job.put("output_dir", out.toString());
    var r = JobRunner.run(JobConfig.parse(job, dir), TrainingListener.NONE, false);
    System.out.printf(
        java.util.Locale.ROOT,
        "adapter %s: training loss %.4f -> %.4f%n",
        name,
        r.losses().get(0),
        r.losses().get(r.losses().size() - 1));
    return out;
  }
}
