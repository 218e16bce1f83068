package dev.tuneforge.trainer.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobConfigException;
import dev.tuneforge.llm.train.job.ModelFit;
import dev.tuneforge.platform.api.FieldError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one job validator of the API and of {@code tuneforge train}: the request's OpenAI {@code
 * hyperparameters} and its {@code tuneforge} object are mapped onto the keys of {@code tuneforge
 * train}'s YAML and checked by {@link JobConfig#parse}, and an error is mapped back to the request
 * field it came from ({@code num_epochs} → {@code hyperparameters.n_epochs}, {@code lora_r} →
 * {@code tuneforge.lora_r}). The worker parses the same settings again with the fetched files'
 * paths.
 *
 * <p>OpenAI's {@code "auto"} values, chosen from the number of training records N: {@code n_epochs}
 * = ceil(300 / N) within 1..10 (the model sees about 300 examples, small sets more epochs); {@code
 * batch_size} (the micro-batch) = ceil(N / 500) within 1..8; {@code learning_rate_multiplier} = 1,
 * which is a learning rate of 2e-4 for LoRA/QLoRA and 2e-5 for full fine-tuning.
 */
public final class JobSettings {

  public static final double LORA_LEARNING_RATE = 2e-4;
  public static final double FULL_LEARNING_RATE = 2e-5;

  /** The {@code sequence_len} of a job that sets none, unless the model's context is shorter. */
  public static final int DEFAULT_SEQUENCE_LEN = 512;

  /** Keys the service sets itself: paths of fetched files, and the validation set it chooses. */
  static final Set<String> SERVICE_KEYS =
      Set.of(
          "base_model",
          "datasets",
          "test_datasets",
          "val_set_size",
          "output_dir",
          "lora_model_dir");

  /** Keys set through OpenAI's fields: hyperparameters and seed. */
  static final Map<String, String> OPENAI_KEYS =
      Map.of(
          "num_epochs", "n_epochs",
          "micro_batch_size", "batch_size",
          "learning_rate", "learning_rate_multiplier");

  /** The tuneforge object's own key that is not a training setting. */
  public static final String SUITE = "evaluation_suite";

  /** What the tuneforge object may hold: the YAML's training settings, and the suite. */
  public static final Set<String> TUNEFORGE_KEYS = tuneforgeKeys();

  private static final ObjectMapper JSON = new ObjectMapper();

  private JobSettings() {}

  private static Set<String> tuneforgeKeys() {
    Set<String> keys = new TreeSet<>(JobConfig.KEYS);
    keys.removeAll(SERVICE_KEYS);
    keys.removeAll(OPENAI_KEYS.keySet());
    keys.remove("seed");
    keys.add(SUITE);
    return keys;
  }

  /**
   * The validated settings of a job: {@code config} under the YAML's names (no paths), the method
   * (lora, qlora, full), and the evaluation suite or null.
   */
  public record Resolved(String method, Map<String, Object> config, String suite) {}

  /**
   * Maps and validates.
   *
   * @param hyperparameters OpenAI's hyperparameters object, or null
   * @param hyperparametersField where it was given ({@code hyperparameters} or {@code
   *     method.supervised.hyperparameters})
   * @param tuneforge the tuneforge object, or null
   * @param trainRecords the training records, for the "auto" values
   * @param contextLength the base model's context length (0 when unknown)
   * @throws SettingsException naming the request field at fault
   */
  public static Resolved resolve(
      JsonNode hyperparameters,
      String hyperparametersField,
      JsonNode tuneforge,
      long seed,
      long trainRecords,
      int contextLength) {
    return resolve(
        hyperparameters,
        hyperparametersField,
        tuneforge,
        seed,
        trainRecords,
        contextLength,
        null,
        0);
  }

  /**
   * As {@link #resolve(JsonNode, String, JsonNode, long, long, int)}, and with the base model's
   * config also whether the method can run on it ({@link ModelFit}: LoRA targets the architecture
   * has, memory within {@code memoryLimitBytes}), as {@code tuneforge train} checks before it
   * loads.
   *
   * @param model the base model's config, or null to skip that check
   * @param memoryLimitBytes the bytes a run may take
   */
  public static Resolved resolve(
      JsonNode hyperparameters,
      String hyperparametersField,
      JsonNode tuneforge,
      long seed,
      long trainRecords,
      int contextLength,
      ModelConfig model,
      long memoryLimitBytes) {
    ObjectNode tree = JSON.createObjectNode();
    String suite = null;
    if (tuneforge != null && !tuneforge.isNull()) {
      if (!tuneforge.isObject()) {
        throw new SettingsException(
            new FieldError("tuneforge", "must be an object of training settings"));
      }
      for (var it = tuneforge.fields(); it.hasNext(); ) {
        var e = it.next();
        String key = e.getKey();
        if (!TUNEFORGE_KEYS.contains(key)) {
          throw new SettingsException(
              new FieldError(
                  "tuneforge." + key,
                  OPENAI_KEYS.containsKey(key)
                      ? "set it as hyperparameters." + OPENAI_KEYS.get(key)
                      : key.equals("seed")
                          ? "set it as the request's seed"
                          : "unknown setting; known: " + TUNEFORGE_KEYS));
        }
        if (key.equals(SUITE)) {
          JsonNode v = e.getValue();
          if (!v.isNull()
              && (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 128)) {
            throw new SettingsException(
                new FieldError(
                    "tuneforge." + SUITE, "must be a suite name (name or name@version)"));
          }
          suite = v.isNull() ? null : v.asText();
        } else {
          tree.set(key, e.getValue());
        }
      }
    }
    if (!tree.has("adapter")) {
      tree.put("adapter", "lora"); // TuneForge's default: LoRA trains fast on small hardware
    }
    boolean full = tree.get("adapter").asText("").trim().equalsIgnoreCase("full");
    double baseLr = full ? FULL_LEARNING_RATE : LORA_LEARNING_RATE;
    long n = Math.max(1, trainRecords);
    Map<String, JsonNode> hp = new LinkedHashMap<>();
    if (hyperparameters != null && !hyperparameters.isNull()) {
      if (!hyperparameters.isObject()) {
        throw new SettingsException(
            new FieldError(
                hyperparametersField,
                "must be an object of n_epochs, batch_size and" + " learning_rate_multiplier"));
      }
      hyperparameters.fields().forEachRemaining(e -> hp.put(e.getKey(), e.getValue()));
    }
    for (String key : hp.keySet()) {
      if (!OPENAI_KEYS.containsValue(key)) {
        throw new SettingsException(
            new FieldError(
                hyperparametersField + "." + key,
                "unknown hyperparameter; known: n_epochs, batch_size, learning_rate_multiplier"));
      }
    }
    tree.set(
        "num_epochs",
        autoOr(hp.get("n_epochs"), hyperparametersField + ".n_epochs", clamp(ceil(300, n), 1, 10)));
    tree.set(
        "micro_batch_size",
        autoOr(
            hp.get("batch_size"), hyperparametersField + ".batch_size", clamp(ceil(n, 500), 1, 8)));
    JsonNode multiplier = hp.get("learning_rate_multiplier");
    String lrField = hyperparametersField + ".learning_rate_multiplier";
    if (multiplier == null || multiplier.isNull() || isAuto(multiplier)) {
      tree.put("learning_rate", baseLr);
    } else if (!multiplier.isNumber()) {
      throw new SettingsException(new FieldError(lrField, "must be a number or \"auto\""));
    } else {
      tree.put("learning_rate", multiplier.asDouble() * baseLr);
    }
    tree.put("seed", seed);
    if (!tree.has("sequence_len") && contextLength > 0) {
      tree.put("sequence_len", Math.min(DEFAULT_SEQUENCE_LEN, contextLength));
    }
    // Placeholders for what the worker fetches: checked for shape only here.
    ObjectNode full_ = tree.deepCopy();
    full_.put("base_model", "base");
    full_.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "chat");
    full_.putArray("test_datasets").addObject().put("path", "validation.jsonl").put("type", "chat");
    full_.put("output_dir", "out");
    JobConfig parsed;
    try {
      parsed = JobConfig.parse(full_, Path.of("."), false);
    } catch (JobConfigException e) {
      String param = requestField(e.key(), hyperparametersField);
      String problem = e.getMessage().substring(e.key().length() + 2);
      if (e.key().equals("learning_rate")) {
        problem =
            "gives learning_rate "
                + tree.path("learning_rate").asDouble()
                + " (multiplier × "
                + baseLr
                + "), which "
                + problem;
      }
      throw new SettingsException(new FieldError(param, problem));
    }
    if (contextLength > 0 && parsed.sequenceLen() > contextLength) {
      throw new SettingsException(
          new FieldError(
              "tuneforge.sequence_len",
              parsed.sequenceLen()
                  + " is longer than the model's context of "
                  + contextLength
                  + " tokens"));
    }
    if (model != null) {
      try {
        ModelFit.check(parsed, model, memoryLimitBytes);
      } catch (JobConfigException e) {
        throw new SettingsException(
            new FieldError(
                requestField(e.key(), hyperparametersField),
                e.getMessage().substring(e.key().length() + 2)));
      }
    }
    Map<String, Object> config =
        JSON.convertValue(
            tree,
            JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
    return new Resolved(parsed.adapter().name().toLowerCase(java.util.Locale.ROOT), config, suite);
  }

  /**
   * The job config of a run: the resolved settings plus the paths of the fetched files, parsed by
   * the same {@link JobConfig#parse} with every path checked.
   */
  public static JobConfig forRun(
      Map<String, Object> config, Path baseModel, Path train, Path validation, Path outputDir) {
    ObjectNode tree = JSON.valueToTree(config);
    tree.put("base_model", baseModel.toString());
    tree.putArray("datasets").addObject().put("path", train.toString()).put("type", "chat");
    tree.putArray("test_datasets")
        .addObject()
        .put("path", validation.toString())
        .put("type", "chat");
    tree.put("output_dir", outputDir.toString());
    return JobConfig.parse(tree, outputDir.getParent());
  }

  /** OpenAI's resolved hyperparameters of a job, from its settings. */
  public static Map<String, Object> openAiHyperparameters(String method, Map<String, Object> c) {
    Map<String, Object> hp = new LinkedHashMap<>();
    hp.put("n_epochs", c.get("num_epochs"));
    hp.put("batch_size", c.get("micro_batch_size"));
    Object lr = c.get("learning_rate");
    double base = "full".equals(method) ? FULL_LEARNING_RATE : LORA_LEARNING_RATE;
    hp.put("learning_rate_multiplier", lr instanceof Number x ? x.doubleValue() / base : null);
    return hp;
  }

  /** The request field a JobConfig key came from. */
  public static String requestField(String key, String hyperparametersField) {
    String root = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
    if (OPENAI_KEYS.containsKey(root)) {
      return hyperparametersField + "." + OPENAI_KEYS.get(root);
    }
    if (root.equals("seed")) {
      return "seed";
    }
    return "tuneforge." + key;
  }

  private static JsonNode autoOr(JsonNode value, String field, long auto) {
    if (value == null || value.isNull() || isAuto(value)) {
      return JSON.getNodeFactory().numberNode((int) auto);
    }
    if (!value.isNumber()) {
      throw new SettingsException(new FieldError(field, "must be a number or \"auto\""));
    }
    return value;
  }

  private static boolean isAuto(JsonNode v) {
    return v.isTextual() && v.asText().equals("auto");
  }

  private static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /**
   * A settings error, naming the request field, with the {@link TrainingFailed} code a job refused
   * for it after acceptance (a request published straight to Kafka) fails with.
   */
  public static final class SettingsException extends IllegalArgumentException {
    private final transient FieldError error;
    private final String code;

    /** An invalid value: code {@link TrainingFailed#INVALID_REQUEST}. */
    public SettingsException(FieldError error) {
      this(error, TrainingFailed.INVALID_REQUEST);
    }

    /**
     * @param code one of {@link TrainingFailed#CODES}
     */
    public SettingsException(FieldError error, String code) {
      super(error.toString());
      this.error = error;
      this.code = code;
    }

    public FieldError error() {
      return error;
    }

    public String code() {
      return code;
    }
  }
}
