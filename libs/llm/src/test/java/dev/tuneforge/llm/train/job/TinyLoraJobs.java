package dev.tuneforge.llm.train.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The small LoRA job the job-handle tests run: the tiny reference Llama, eight text examples. */
public final class TinyLoraJobs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TinyLoraJobs() {}

  /**
   * LoRA r4 on {@code targets}, one text example per micro-batch, accumulation 2, a checkpoint
   * every {@code saveSteps} (0: none); data and output ({@code out/}, relative) in {@code home}.
   */
  public static JobConfig config(Path home, int maxSteps, int saveSteps, List<String> targets)
      throws IOException {
    Files.createDirectories(home);
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      data.append("{\"text\": \"example ")
          .append(i)
          .append(" the quick brown fox jumps over the lazy dog\"}\n");
    }
    Files.writeString(home.resolve("train.jsonl"), data);
    ObjectNode j = JSON.createObjectNode();
    j.put("base_model", Fixtures.reference("llama3-bf16").toString());
    j.put("adapter", "lora");
    j.put("lora_r", 4);
    targets.forEach(j.withArray("lora_target_modules")::add);
    j.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "text");
    j.put("sequence_len", 32);
    j.put("micro_batch_size", 1);
    j.put("gradient_accumulation_steps", 2);
    j.put("max_steps", maxSteps);
    j.put("learning_rate", 0.01);
    j.put("save_steps", saveSteps);
    j.put("seed", 7);
    j.put("output_dir", "out");
    return JobConfig.parse(j, home);
  }
}
