package dev.tuneforge.llm.train.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.train.TrainingConfig;
import dev.tuneforge.llm.train.optim.AdamWConfig;
import dev.tuneforge.llm.train.optim.LrSchedule;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A fine-tuning job in Axolotl's words, parsed from a JSON/YAML tree. Every key is checked: unknown
 * keys, wrong types and out-of-range values are {@link JobConfigException}s naming the key.
 * Relative paths are resolved against the folder of the config file. With {@code lora_model_dir},
 * training continues from the PEFT adapter in that folder, whose r, lora_alpha, target_modules and
 * use_rslora the run keeps.
 */
public record JobConfig(
    Path baseModel,
    List<Dataset> datasets,
    List<Dataset> testDatasets,
    double valSetSize,
    Adapter adapter,
    Integer loraR,
    Double loraAlpha,
    Double loraDropout,
    List<String> loraTargetModules,
    Path loraModelDir,
    int sequenceLen,
    boolean samplePacking,
    boolean groupByLength,
    int microBatchSize,
    int gradientAccumulationSteps,
    int numEpochs,
    long maxSteps,
    double learningRate,
    LrSchedule.Kind lrScheduler,
    Integer warmupSteps,
    Double warmupRatio,
    double weightDecay,
    double maxGradNorm,
    long seed,
    int evalSteps,
    int saveSteps,
    int earlyStoppingPatience,
    double earlyStoppingThreshold,
    Path outputDir,
    boolean trainOnInputs,
    boolean gradientCheckpointing,
    JsonNode source) {

  /** What is trained: adapters on a frozen base (lora), on an NF4 base (qlora), or every weight. */
  public enum Adapter {
    FULL,
    LORA,
    QLORA
  }

  /**
   * The dataset shapes: chat messages ({@code chat}, or Axolotl's {@code chat_template}),
   * prompt/completion (or Axolotl's raw-text {@code completion}), plain text, Axolotl's {@code
   * alpaca}.
   */
  public enum DatasetType {
    CHAT,
    COMPLETION,
    TEXT,
    ALPACA
  }

  /** One JSONL file of examples, with how its records are read. */
  public record Dataset(Path path, DatasetType type, DatasetFormat format) {
    public Dataset(Path path, DatasetType type) {
      this(path, type, DatasetFormat.PLAIN);
    }
  }

  /** Every key a job config may have. */
  public static final Set<String> KEYS =
      Set.of(
          "base_model",
          "datasets",
          "test_datasets",
          "val_set_size",
          "adapter",
          "lora_r",
          "lora_alpha",
          "lora_dropout",
          "lora_target_modules",
          "lora_model_dir",
          "sequence_len",
          "sample_packing",
          "group_by_length",
          "micro_batch_size",
          "gradient_accumulation_steps",
          "num_epochs",
          "max_steps",
          "learning_rate",
          "lr_scheduler",
          "warmup_steps",
          "warmup_ratio",
          "weight_decay",
          "max_grad_norm",
          "seed",
          "eval_steps",
          "save_steps",
          "early_stopping_patience",
          "early_stopping_threshold",
          "output_dir",
          "train_on_inputs",
          "gradient_checkpointing");

  /** The loop settings of this job. */
  public TrainingConfig training() {
    return new TrainingConfig(
        gradientAccumulationSteps,
        numEpochs,
        maxSteps,
        learningRate,
        lrScheduler,
        warmupSteps,
        warmupRatio,
        AdamWConfig.DEFAULTS.withWeightDecay(weightDecay),
        maxGradNorm,
        evalSteps,
        saveSteps,
        earlyStoppingPatience,
        earlyStoppingThreshold,
        outputDir,
        gradientCheckpointing);
  }

  /**
   * Parses and validates a job.
   *
   * @param tree the parsed YAML/JSON document
   * @param baseDir folder that relative paths are resolved against
   */
  public static JobConfig parse(JsonNode tree, Path baseDir) {
    return parse(tree, baseDir, true);
  }

  /**
   * As {@link #parse(JsonNode, Path)}; with {@code pathsMustExist} false the paths are checked for
   * shape only, not on disk. The trainer service validates a job this way when it accepts it,
   * before the base model and dataset are fetched to the paths the worker then checks in full.
   */
  public static JobConfig parse(JsonNode tree, Path baseDir, boolean pathsMustExist) {
    if (tree == null || !tree.isObject()) {
      throw new JobConfigException("(root)", "a job config must be a mapping of keys to values");
    }
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new JobConfigException(
            key, "unknown key; known keys: " + new java.util.TreeSet<>(KEYS));
      }
    }
    Reader r = new Reader(tree, baseDir, pathsMustExist);
    Adapter adapter = r.enumValue("adapter", Adapter.class, Adapter.FULL);
    Integer loraR = r.optInt("lora_r", 1, Integer.MAX_VALUE);
    Double loraAlpha = r.optDouble("lora_alpha", 0, false);
    Double loraDropout = r.optDouble("lora_dropout", 0, true);
    if (loraDropout != null && loraDropout >= 1) {
      throw new JobConfigException("lora_dropout", "must be in [0, 1), got " + loraDropout);
    }
    List<String> targets = r.stringList("lora_target_modules");
    for (String k :
        List.of("lora_r", "lora_alpha", "lora_dropout", "lora_target_modules", "lora_model_dir")) {
      if (tree.has(k) && adapter == Adapter.FULL) {
        throw new JobConfigException(
            k, "applies only to adapter: lora or qlora, but adapter is full");
      }
    }
    Path loraModelDir = null;
    if (tree.has("lora_model_dir")) {
      loraModelDir = r.path("lora_model_dir", true);
      checkAgainstAdapter(loraModelDir, loraR, loraAlpha, targets);
    }
    List<Dataset> datasets = r.datasets("datasets", true);
    List<Dataset> testDatasets = r.datasets("test_datasets", false);
    double valSetSize =
        r.optDouble("val_set_size", 0, true) == null ? 0 : tree.get("val_set_size").asDouble();
    if (valSetSize >= 1) {
      throw new JobConfigException(
          "val_set_size", "must be a fraction in [0, 1), got " + valSetSize);
    }
    if (valSetSize > 0 && !testDatasets.isEmpty()) {
      throw new JobConfigException("val_set_size", "set val_set_size or test_datasets, not both");
    }
    long maxSteps = r.longValue("max_steps", 0, 0);
    Integer warmupSteps = r.optInt("warmup_steps", 0, Integer.MAX_VALUE);
    Double warmupRatio = r.optDouble("warmup_ratio", 0, true);
    if (warmupRatio != null && warmupRatio > 1) {
      throw new JobConfigException("warmup_ratio", "must be in [0, 1], got " + warmupRatio);
    }
    if (warmupRatio != null && warmupSteps != null) {
      throw new JobConfigException("warmup_ratio", "set warmup_steps or warmup_ratio, not both");
    }
    double lr = r.requiredDouble("learning_rate");
    if (!(lr > 0) || lr > 1) {
      throw new JobConfigException("learning_rate", "must be in (0, 1], got " + lr);
    }
    int evalSteps = r.intValue("eval_steps", 0, 0);
    boolean hasValidation = valSetSize > 0 || !testDatasets.isEmpty();
    if (evalSteps > 0 && !hasValidation) {
      throw new JobConfigException(
          "eval_steps", "needs a validation set: set val_set_size or test_datasets");
    }
    int patience = r.intValue("early_stopping_patience", 0, 0);
    if (patience > 0 && evalSteps == 0) {
      throw new JobConfigException("early_stopping_patience", "needs eval_steps");
    }
    double maxGradNorm =
        r.optDouble("max_grad_norm", 0, true) == null ? 1.0 : tree.get("max_grad_norm").asDouble();
    double weightDecay =
        r.optDouble("weight_decay", 0, true) == null ? 0.0 : tree.get("weight_decay").asDouble();
    double threshold =
        r.optDouble("early_stopping_threshold", 0, true) == null
            ? 0.0
            : tree.get("early_stopping_threshold").asDouble();
    return new JobConfig(
        r.path("base_model", true),
        datasets,
        testDatasets,
        valSetSize,
        adapter,
        loraR,
        loraAlpha,
        loraDropout,
        targets,
        loraModelDir,
        r.intValue("sequence_len", 512, 2),
        r.bool("sample_packing", false),
        // on by default: similar lengths share a micro-batch, so padding costs ~nothing (an SFT
        // epoch of 40-448-token chats in batches of 4 ran 1.6 padded positions per real token in
        // random batches); the price is batches correlated in length, mitigated by a random batch
        // order (LengthGroups). No effect at micro_batch_size 1.
        r.bool("group_by_length", true),
        r.intValue("micro_batch_size", 1, 1),
        r.intValue("gradient_accumulation_steps", 1, 1),
        r.intValue("num_epochs", 1, 1),
        maxSteps,
        lr,
        r.scheduler(),
        warmupSteps,
        warmupRatio,
        weightDecay,
        maxGradNorm,
        r.longValue("seed", 42, Long.MIN_VALUE),
        evalSteps,
        r.intValue("save_steps", 0, 0),
        patience,
        threshold,
        r.path("output_dir", false),
        r.bool("train_on_inputs", false),
        r.bool("gradient_checkpointing", false),
        tree);
  }

  /**
   * The adapter's config in {@code lora_model_dir}, every problem named by that key: continued
   * training keeps the adapter's layout, so its tensors load as they were trained.
   */
  public static AdapterConfig adapterConfig(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new JobConfigException("lora_model_dir", dir + " is not a folder");
    }
    for (String f : List.of(AdapterConfig.FILE, PeftAdapter.WEIGHTS_FILE)) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new JobConfigException(
            "lora_model_dir", dir + " holds no PEFT adapter: " + f + " is missing");
      }
    }
    try {
      return AdapterConfig.read(dir.resolve(AdapterConfig.FILE));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new JobConfigException("lora_model_dir", e.getMessage());
    }
  }

  /**
   * The adapter's r, lora_alpha and target_modules define the layout of a continued run; a job key
   * that says otherwise would silently be ignored or would not fit the tensors, so it is an error.
   */
  private static void checkAgainstAdapter(
      Path dir, Integer loraR, Double loraAlpha, List<String> targets) {
    LoraConfig a = adapterConfig(dir).lora();
    if (loraR != null && loraR != a.r()) {
      throw new JobConfigException(
          "lora_r",
          loraR
              + " differs from r = "
              + a.r()
              + " of the adapter in "
              + dir
              + " (lora_model_dir); omit lora_r to continue with the adapter's");
    }
    if (loraAlpha != null && loraAlpha.doubleValue() != a.alpha()) {
      throw new JobConfigException(
          "lora_alpha",
          loraAlpha
              + " differs from lora_alpha = "
              + a.alpha()
              + " of the adapter in "
              + dir
              + " (lora_model_dir); omit lora_alpha to continue with the adapter's");
    }
    if (!targets.isEmpty() && !sameTargets(targets, a.targetModules())) {
      throw new JobConfigException(
          "lora_target_modules",
          targets
              + " differs from target_modules = "
              + a.targetModules()
              + " of the adapter in "
              + dir
              + " (lora_model_dir); omit lora_target_modules to continue with the adapter's");
    }
  }

  /**
   * Whether two target lists pick the same modules without knowing the model: equal as sets, or
   * each entry of one matches an entry of the other as PEFT matches names (equal, or a dot-suffix).
   * The second case covers adapters written here, which list full module names where the job has
   * short ones ({@code model.layers.0.self_attn.q_proj} for {@code q_proj}).
   */
  static boolean sameTargets(List<String> job, List<String> adapter) {
    if (new java.util.HashSet<>(job).equals(new java.util.HashSet<>(adapter))) {
      return true;
    }
    if (job.contains(LoraConfig.ALL_LINEAR) || adapter.contains(LoraConfig.ALL_LINEAR)) {
      return false; // which modules all-linear picks depends on the model
    }
    return job.stream().allMatch(j -> adapter.stream().anyMatch(t -> suffixMatch(j, t)))
        && adapter.stream().allMatch(t -> job.stream().anyMatch(j -> suffixMatch(j, t)));
  }

  private static boolean suffixMatch(String x, String y) {
    return x.equals(y) || x.endsWith("." + y) || y.endsWith("." + x);
  }

  /** Typed access to keys, each failure naming its key. */
  private record Reader(JsonNode tree, Path baseDir, boolean checkPaths) {

    JsonNode get(String key) {
      JsonNode v = tree.get(key);
      return v == null || v.isNull() ? null : v;
    }

    Path path(String key, boolean mustExist) {
      JsonNode v = get(key);
      if (v == null) {
        throw new JobConfigException(key, "is required");
      }
      if (!v.isTextual() || v.asText().isBlank()) {
        throw new JobConfigException(key, "must be a path, got " + v);
      }
      Path p = baseDir.resolve(v.asText()).normalize();
      if (mustExist && checkPaths && !java.nio.file.Files.exists(p)) {
        throw new JobConfigException(key, p + " does not exist");
      }
      return p;
    }

    int intValue(String key, int dflt, int min) {
      Integer v = optInt(key, min, Integer.MAX_VALUE);
      return v == null ? dflt : v;
    }

    long longValue(String key, long dflt, long min) {
      JsonNode v = get(key);
      if (v == null) {
        return dflt;
      }
      if (!v.isIntegralNumber()) {
        throw new JobConfigException(key, "must be an integer, got " + v);
      }
      if (v.asLong() < min) {
        throw new JobConfigException(key, "must be >= " + min + ", got " + v.asLong());
      }
      return v.asLong();
    }

    Integer optInt(String key, int min, int max) {
      JsonNode v = get(key);
      if (v == null) {
        return null;
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new JobConfigException(key, "must be an integer, got " + v);
      }
      if (v.asInt() < min || v.asInt() > max) {
        throw new JobConfigException(key, "must be >= " + min + ", got " + v.asInt());
      }
      return v.asInt();
    }

    /** A number >= min ({@code inclusive}) or > min. */
    Double optDouble(String key, double min, boolean inclusive) {
      JsonNode v = get(key);
      if (v == null) {
        return null;
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw new JobConfigException(key, "must be a number, got " + v);
      }
      double d = v.asDouble();
      if (inclusive ? d < min : d <= min) {
        throw new JobConfigException(
            key, "must be " + (inclusive ? ">= " : "> ") + min + ", got " + d);
      }
      return d;
    }

    double requiredDouble(String key) {
      JsonNode v = get(key);
      if (v == null) {
        throw new JobConfigException(key, "is required");
      }
      if (!v.isNumber()) {
        throw new JobConfigException(key, "must be a number, got " + v);
      }
      return v.asDouble();
    }

    boolean bool(String key, boolean dflt) {
      JsonNode v = get(key);
      if (v == null) {
        return dflt;
      }
      if (!v.isBoolean()) {
        throw new JobConfigException(key, "must be true or false, got " + v);
      }
      return v.asBoolean();
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E dflt) {
      JsonNode v = get(key);
      if (v == null) {
        return dflt;
      }
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT));
        if (v.isTextual() && e.name().equalsIgnoreCase(v.asText().trim())) {
          return e;
        }
      }
      throw new JobConfigException(key, "must be one of " + names + ", got " + v);
    }

    LrSchedule.Kind scheduler() {
      JsonNode v = get("lr_scheduler");
      if (v == null) {
        return LrSchedule.Kind.COSINE;
      }
      try {
        return LrSchedule.Kind.parse(v.asText());
      } catch (IllegalArgumentException e) {
        throw new JobConfigException(
            "lr_scheduler", "must be one of constant, linear, cosine; got " + v);
      }
    }

    List<String> stringList(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return List.of();
      }
      if (v.isTextual()) {
        return List.of(v.asText()); // "all-linear"
      }
      if (!v.isArray()) {
        throw new JobConfigException(key, "must be a list of module names or a string, got " + v);
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        if (!v.get(i).isTextual()) {
          throw new JobConfigException(key + "[" + i + "]", "must be a string, got " + v.get(i));
        }
        out.add(v.get(i).asText());
      }
      return out;
    }

    List<Dataset> datasets(String key, boolean required) {
      JsonNode v = get(key);
      if (v == null) {
        if (required) {
          throw new JobConfigException(
              key,
              "is required: a list of {path, type: chat|chat_template|completion|text|alpaca}");
        }
        return List.of();
      }
      if (!v.isArray() || v.isEmpty()) {
        throw new JobConfigException(key, "must be a non-empty list of {path, type}");
      }
      List<Dataset> out = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        String at = key + "[" + i + "]";
        JsonNode d = v.get(i);
        if (!d.isObject()) {
          throw new JobConfigException(at, "must be a mapping {path, type}");
        }
        Reader inner = new Reader(d, baseDir, checkPaths);
        Path p;
        try {
          p = inner.path("path", true);
        } catch (JobConfigException e) {
          throw new JobConfigException(at + ".path", e.getMessage().substring("path: ".length()));
        }
        JsonNode t = d.get("type");
        if (t == null || t.isNull()) {
          throw new JobConfigException(
              at + ".type", "is required: one of " + DatasetFormat.TYPE_NAMES);
        }
        DatasetType type =
            switch (t.asText()) {
              case "chat", "chat_template" -> DatasetType.CHAT;
              case "completion" -> DatasetType.COMPLETION;
              case "text" -> DatasetType.TEXT;
              case "alpaca" -> DatasetType.ALPACA;
              default ->
                  throw new JobConfigException(
                      at + ".type",
                      "must be one of " + DatasetFormat.TYPE_NAMES + ", got " + t.asText());
            };
        DatasetFormat format = DatasetFormat.parse(at, type, d);
        out.add(new Dataset(p, type, format));
      }
      return out;
    }
  }
}
