package dev.tuneforge.llm.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.io.Folders;
import dev.tuneforge.llm.io.StrictJson;
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
 * implement (DoRA, LoRA biases, fan_in_fan_out, per-layer rank patterns, …) is refused with its
 * name, so an adapter never loads into something that silently computes a different function.
 *
 * @param lora r, alpha, dropout, target modules, rsLoRA (the seed is not a PEFT key: 0 on read)
 * @param baseModelNameOrPath the base model the adapter was trained on, or null
 */
public record AdapterConfig(LoraConfig lora, String baseModelNameOrPath) {
  public static final String FILE = "adapter_config.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keys that only describe how PEFT initialised or stored the adapter, not what it computes. */
  private static final Set<String> INFORMATIONAL =
      Set.of(
          "base_model_name_or_path",
          "revision",
          "inference_mode",
          "init_lora_weights",
          "loftq_config",
          "eva_config",
          "corda_config",
          "kasa_config",
          "lora_ga_config",
          "qalora_group_size",
          "megatron_core",
          "auto_mapping",
          "peft_version",
          "ensure_weight_tying",
          "layers_pattern");

  /** Keys the engine reads. */
  private static final Set<String> READ =
      Set.of(
          "peft_type",
          "task_type",
          "r",
          "lora_alpha",
          "lora_dropout",
          "target_modules",
          "use_rslora",
          "bias",
          "fan_in_fan_out",
          "use_dora");

  /**
   * Reads and checks an {@code adapter_config.json}: a regular file of bounded size, strict JSON
   * (duplicate keys and deep nesting refused), each field of the right type; errors name the field.
   */
  public static AdapterConfig read(Path file) {
    JsonNode root = StrictJson.parse(Folders.readText(file, FILE), file.toString());
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          file + " must be a JSON object, found " + StrictJson.describe(root));
    }
    return parse(root, file.toString());
  }

  static AdapterConfig parse(JsonNode root, String where) {
    String peftType = text(root, "peft_type", null, where);
    if (!"LORA".equals(peftType)) {
      throw refuse(where, "peft_type", peftType, "only LORA adapters are supported");
    }
    String task = text(root, "task_type", null, where);
    if (task != null && !task.equals("CAUSAL_LM")) {
      throw refuse(where, "task_type", task, "only CAUSAL_LM adapters are supported");
    }
    String bias = text(root, "bias", "none", where);
    if (!bias.equals("none")) {
      throw refuse(where, "bias", bias, "only bias \"none\" is supported");
    }
    if (bool(root, "fan_in_fan_out", where)) {
      throw refuse(
          where, "fan_in_fan_out", "true", "Conv1D-layout (GPT-2) weights are not supported");
    }
    if (bool(root, "use_dora", where)) {
      throw refuse(where, "use_dora", "true", "DoRA is not supported");
    }
    // Any other key must be absent or "off" (null, false, empty): a set value would change the
    // function the adapter computes in a way this engine does not implement.
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (READ.contains(e.getKey()) || INFORMATIONAL.contains(e.getKey()) || isOff(e.getValue())) {
        continue;
      }
      throw refuse(
          where, e.getKey(), e.getValue().toString(), "this LoRA feature is not supported");
    }
    int r = requiredInt(root, "r", where);
    if (r <= 0) {
      throw new IllegalArgumentException(
          where + ": field \"r\" must be a positive integer, found " + r);
    }
    JsonNode alphaNode = root.get("lora_alpha");
    if (alphaNode == null || !alphaNode.isNumber() || !Double.isFinite(alphaNode.asDouble())) {
      throw new IllegalArgumentException(
          where
              + ": field \"lora_alpha\" must be a finite number,"
              + " found "
              + StrictJson.describe(alphaNode));
    }
    JsonNode dropoutNode = root.get("lora_dropout");
    double dropout = 0.0;
    if (dropoutNode != null && !dropoutNode.isNull()) {
      dropout = dropoutNode.asDouble();
      if (!dropoutNode.isNumber() || !(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException(
            where
                + ": field \"lora_dropout\" must be a number in"
                + " [0, 1), found "
                + StrictJson.describe(dropoutNode));
      }
    }
    List<String> targets = targets(root.get("target_modules"), where);
    LoraConfig lora =
        new LoraConfig(
            r, alphaNode.asDouble(), dropout, targets, bool(root, "use_rslora", where), 0L);
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
      throw refuse(
          where,
          "target_modules",
          node.toString(),
          "a regular expression is not supported; list the module names");
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + ": target_modules must be a list of module names");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode t = node.get(i);
      if (!t.isTextual() || t.textValue().isEmpty()) {
        throw new IllegalArgumentException(
            where
                + ": field \"target_modules\" element "
                + i
                + " must be a module name, found "
                + StrictJson.describe(t));
      }
      out.add(t.textValue());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(where + ": field \"target_modules\" is empty");
    }
    return out;
  }

  /** A string field, {@code fallback} when absent or null; another type is an error. */
  private static String text(JsonNode root, String key, String fallback, String where) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(
          where + ": field \"" + key + "\" must be a string, found " + StrictJson.describe(n));
    }
    return n.textValue();
  }

  /** A boolean field, false when absent or null; "true" or 1 is an error, not a guess. */
  private static boolean bool(JsonNode root, String key, String where) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new IllegalArgumentException(
          where
              + ": field \""
              + key
              + "\" must be true or false,"
              + " found "
              + StrictJson.describe(n));
    }
    return n.booleanValue();
  }

  private static boolean isOff(JsonNode v) {
    return v == null
        || v.isNull()
        || (v.isBoolean() && !v.asBoolean())
        || ((v.isObject() || v.isArray()) && v.isEmpty());
  }

  private static int requiredInt(JsonNode root, String key, String where) {
    JsonNode n = root.get(key);
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(
          where
              + ": field \""
              + key
              + "\" must be an integer,"
              + " found "
              + StrictJson.describe(n));
    }
    return n.asInt();
  }

  private static IllegalArgumentException refuse(
      String where, String key, String value, String why) {
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
