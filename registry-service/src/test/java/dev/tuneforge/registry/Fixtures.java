package dev.tuneforge.registry;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.TrainingCompleted;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Facts the trainer and evaluator would publish, and a tiny PEFT adapter folder. */
final class Fixtures {
  private Fixtures() {}

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static TrainingCompleted training(String jobId, String team, String suffix, String outputUri) {
    return training(jobId, team, suffix, outputUri, "tiny-llama");
  }

  static TrainingCompleted training(
      String jobId, String team, String suffix, String outputUri, String baseModel) {
    return new TrainingCompleted(
        jobId,
        team,
        baseModel,
        "main",
        "lora",
        outputUri,
        "ab12",
        "support-chats",
        "v3",
        "ef56",
        null,
        null,
        suffix,
        Map.of("lora_r", 8, "learning_rate", 2.0e-4),
        20,
        10_240,
        0.91,
        12.5,
        Map.of("eval_loss", 1.02));
  }

  static EvaluationCompleted evaluation(String jobId, String team, boolean passed) {
    return new EvaluationCompleted(
        "eval-" + jobId,
        jobId,
        team,
        "s3://tuneforge/runs/" + jobId + "/adapter/",
        null,
        Map.of("exact_match", passed ? 0.8 : 0.1),
        Map.of("exact_match", 0.2),
        Map.of("exact_match", passed ? 0.6 : -0.1),
        passed,
        passed ? List.of() : List.of("exact_match fell by 0.1 against the base"),
        "s3://tuneforge/evaluations/eval-" + jobId + "/report.json");
  }

  /**
   * A PEFT adapter folder: adapter_config.json and a safetensors file with one F32 tensor pair
   * (lora_A [2,4], lora_B [4,2]).
   */
  static Path adapterFolder(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("adapter_config.json"),
        "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"q_proj\"],"
            + "\"base_model_name_or_path\":\"tiny-llama\"}");
    String a = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    String b = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
    String header =
        "{\""
            + a
            + "\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,32]},\""
            + b
            + "\":{\"dtype\":\"F32\",\"shape\":[4,2],\"data_offsets\":[32,64]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 64).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(h.length).put(h);
    for (int i = 0; i < 16; i++) {
      buf.putFloat(0.01f * i);
    }
    Files.write(dir.resolve("adapter_model.safetensors"), buf.array());
    return dir;
  }
}
