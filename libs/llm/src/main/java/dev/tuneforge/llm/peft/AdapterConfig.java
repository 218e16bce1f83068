package dev.tuneforge.llm.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.lora.LoraConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * PEFT's {@code adapter_config.json} for a LoRA adapter, read and written with PEFT 0.21's keys.
 * Reading is strict: a key that changes what the adapter computes and that the engine does not
 * implement (DoRA, LoRA biases, fan_in_fan_out, per-layer rank patterns, …) is refused with its name,
 * so an adapter never loads into something that silently computes a different function.
 *
 * @param lora r, alpha, dropout, target modules, rsLoRA (the seed is not a PEFT key: 0 on read)
 * @param baseModelNameOrPath the base model the adapter was trained on, or null
 */
public record AdapterConfig(LoraConfig lora, String baseModelNameOrPath) {
  public static final String FILE = "adapter_config.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keys that only describe how PEFT initialised or stored the adapter, not what it computes. */
  private static final Set<String> INFORMATIONAL = Set.of("base_model_name_or_path", "revision",
      "inference_mode", "init_lora_weights", "loftq_config", "eva_config", "corda_config",
      "kasa_config", "lora_ga_config", "qalora_group_size", "megatron_core", "auto_mapping",
      "peft_version", "ensure_weight_tying", "layers_pattern");
  /** Keys the engine reads. */
  private static final Set<String> READ = Set.of("peft_type", "task_type", "r", "lora_alpha",
      "lora_dropout", "target_modules", "use_rslora", "bias", "fan_in_fan_out", "use_dora");

  public static AdapterConfig read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + " is not a JSON object");
    }
    return parse(root, file.toString());
  }

  static AdapterConfig parse(JsonNode root, String where) {
    String peftType = root.path("peft_type").asText(null);
    if (!"LORA".equals(peftType)) {
      throw refuse(where, "peft_type", peftType, "only LORA adapters are supported");
    }
    String task = root.path("task_type").asText(null);
    if (task != null && !task.equals("CAUSAL_LM")) {
      throw refuse(where, "task_type", task, "only CAUSAL_LM adapters are supported");
    }
    String bias = root.path("bias").asText("none");
    if (!bias.equals("none")) {
      throw refuse(where, "bias", bias, "only bias \"none\" is supported");
    }
    if (root.path("fan_in_fan_out").asBoolean(false)) {
      throw refuse(where, "fan_in_fan_out", "true", "Conv1D-layout (GPT-2) weights are not supported");
    }
    if (root.path("use_dora").asBoolean(false)) {
      throw refuse(where, "use_dora", "true", "DoRA is not supported");
    }
    // Any other key must be absent or "off" (null, false, empty): a set value would change the
    // function the adapter computes in a way this engine does not implement.
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (READ.contains(e.getKey()) || INFORMATIONAL.contains(e.getKey()) || isOff(e.getValue())) {
        continue;
      }
      throw refuse(where, e.getKey(), e.getValue().toString(), "this LoRA feature is not supported");
    }
    int r = requiredInt(root, "r", where);
    JsonNode alphaNode = root.get("lora_alpha");
    if (alphaNode == null || !alphaNode.isNumber()) {
      throw new IllegalArgumentException(where + ": lora_alpha must be a number");
    }
    List<String> targets = targets(root.get("target_modules"), where);
    LoraConfig lora = new LoraConfig(r, alphaNode.asDouble(), root.path("lora_dropout").asDouble(0.0),
        targets, root.path("use_rslora").asBoolean(false), 0L);
    return new AdapterConfig(lora, root.path("base_model_name_or_path").asText(null));
  }

  private static List<String> targets(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(where + ": target_modules is missing");
    }
    if (node.isTextual()) {
      if (node.asText().equals(LoraConfig.ALL_LINEAR)) {
        return List.of(LoraConfig.ALL_LINEAR);
      }
      // PEFT treats any other string as a regular expression over module names.
      throw refuse(where, "target_modules", node.toString(),
          "a regular expression is not supported; list the module names");
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + ": target_modules must be a list of module names");
    }
    List<String> out = new ArrayList<>();
    node.forEach(t -> out.add(t.asText()));
    return out;
  }

  private static boolean isOff(JsonNode v) {
    return v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())
        || ((v.isObject() || v.isArray()) && v.isEmpty());
  }

  private static int requiredInt(JsonNode root, String key, String where) {
    JsonNode n = root.get(key);
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(where + ": " + key + " must be an integer");
    }
    return n.asInt();
  }

  private static IllegalArgumentException refuse(String where, String key, String value, String why) {
    return new IllegalArgumentException(
        where + ": unsupported adapter setting " + key + " = " + value + " (" + why + ")");
  }

  /**
   * Writes the config as PEFT 0.21 does (every key it writes, sorted), with {@code targetModules}
   * as the target list: PEFT saves the module names it matched, e.g. the expansion of all-linear.
   */
  public void write(Path file, List<String> targetModules) {
    ObjectNode c = JSON.createObjectNode();
    c.putNull("alora_invocation_tokens");
    c.putObject("alpha_pattern");
    c.putNull("arrow_config");
    c.putNull("auto_mapping");
    c.put("base_model_name_or_path", baseModelNameOrPath);
    c.put("bias", "none");
    c.putNull("corda_config");
    c.put("ensure_weight_tying", false);
    c.putNull("eva_config");
    c.putNull("exclude_modules");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.putNull("kasa_config");
    c.putNull("layer_replication");
    c.putNull("layers_pattern");
    c.putNull("layers_to_transform");
    c.putObject("loftq_config");
    double alpha = lora.alpha();
    if (alpha == Math.rint(alpha) && Math.abs(alpha) < Integer.MAX_VALUE) {
      c.put("lora_alpha", (int) alpha); // PEFT writes an int when the user gave one
    } else {
      c.put("lora_alpha", alpha);
    }
    c.put("lora_bias", false);
    c.put("lora_dropout", lora.dropout());
    c.putNull("lora_ga_config");
    c.putNull("megatron_config");
    c.put("megatron_core", "megatron.core");
    c.putNull("modules_to_save");
    c.putNull("monteclora_config");
    c.put("peft_type", "LORA");
    c.put("peft_version", "0.21.0");
    c.put("qalora_group_size", 16);
    c.put("r", lora.r());
    c.putObject("rank_pattern");
    c.putNull("revision");
    ArrayNode t = c.putArray("target_modules");
    new TreeSet<>(targetModules).forEach(t::add);
    c.putNull("target_parameters");
    c.put("task_type", "CAUSAL_LM");
    c.putNull("trainable_token_indices");
    c.putNull("use_bdlora");
    c.put("use_dora", false);
    c.put("use_qalora", false);
    c.put("use_rslora", lora.useRslora());
    c.putNull("velora_config");
    try {
      Files.writeString(file, c.toPrettyString() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
