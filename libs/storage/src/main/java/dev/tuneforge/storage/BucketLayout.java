package dev.tuneforge.storage;

import java.util.regex.Pattern;

/**
 * Where every kind of object lives in TuneForge's one bucket (DESIGN.md "State and storage"). Every
 * key the code base builds comes from here, and every name that goes into a key is checked first,
 * so no caller can steer a key with {@code ..}, {@code /} or an empty segment.
 *
 * <pre>
 * files/&lt;id&gt;/content, files/&lt;id&gt;/file.json     an uploaded file and its record (record written last)
 * datasets/&lt;name&gt;/&lt;version&gt;/                    a curated dataset version (artifact)
 * models/&lt;name&gt;/&lt;revision&gt;/                     a model in HF layout (artifact); name may be org/name
 * runs/&lt;jobId&gt;/checkpoints/step-&lt;n&gt;/            a training checkpoint (artifact)
 * runs/&lt;jobId&gt;/adapter/                          the PEFT adapter of a LoRA/QLoRA run (artifact)
 * runs/&lt;jobId&gt;/model/                            the model of a full fine-tuning run (artifact)
 * runs/&lt;jobId&gt;/metrics/                          a run's metrics (artifact, kind report)
 * runs/&lt;jobId&gt;/validation/                       the records a run held out for evaluation (artifact)
 * evaluations/&lt;id&gt;/                              an evaluation's report (artifact)
 * registry/&lt;team&gt;/&lt;name&gt;/v&lt;version&gt;/README.md         a registered version's model card
 * registry/&lt;team&gt;/&lt;name&gt;/v&lt;version&gt;/exports/&lt;exportId&gt;/  an export of it (artifact)
 * </pre>
 *
 * Exports live under the registry entry they were made from, not under the run: one adapter can be
 * registered under several names, and deleting a registry entry then removes its exports with it.
 * Registry names are per team (two teams may both have a {@code support} adapter), so the team is
 * part of the key. An artifact prefix always ends with {@code /}; its {@code manifest.json} is
 * written last ({@code ArtifactStore}).
 */
public final class BucketLayout {
  public static final String FILES = "files/";
  public static final String DATASETS = "datasets/";
  public static final String MODELS = "models/";
  public static final String RUNS = "runs/";
  public static final String EVALUATIONS = "evaluations/";
  public static final String REGISTRY = "registry/";

  /** The revision a model name means when none is given (Hugging Face's default branch). */
  public static final String DEFAULT_REVISION = "main";

  /** An uploaded file's bytes, under {@link #file}. */
  public static final String FILE_CONTENT = "content";

  /** An uploaded file's record, written after its bytes. */
  public static final String FILE_RECORD = "file.json";

  static final int MAX_SEGMENT = 128;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private BucketLayout() {}

  public static String file(String id) {
    return FILES + segment("file id", id) + "/";
  }

  public static String fileContent(String id) {
    return file(id) + FILE_CONTENT;
  }

  public static String fileRecord(String id) {
    return file(id) + FILE_RECORD;
  }

  /** The folder holding every version of dataset {@code name}. */
  public static String datasetVersions(String name) {
    return DATASETS + segment("dataset name", name) + "/";
  }

  public static String dataset(String name, String version) {
    return datasetVersions(name) + segment("dataset version", version) + "/";
  }

  /** The folder holding every revision of model {@code name} ({@code name} or {@code org/name}). */
  public static String modelRevisions(String name) {
    return MODELS + modelName(name) + "/";
  }

  public static String model(String name, String revision) {
    return modelRevisions(name) + segment("model revision", revision) + "/";
  }

  public static String run(String jobId) {
    return RUNS + segment("job id", jobId) + "/";
  }

  /** The folder holding every checkpoint of {@code jobId}. */
  public static String checkpoints(String jobId) {
    return run(jobId) + "checkpoints/";
  }

  public static String checkpoint(String jobId, long step) {
    if (step < 0) {
      throw new InvalidNameException("checkpoint step", Long.toString(step), "must be >= 0");
    }
    return checkpoints(jobId) + "step-" + step + "/";
  }

  public static String adapter(String jobId) {
    return run(jobId) + "adapter/";
  }

  /** The model a full fine-tuning run produced (HF layout). */
  public static String runModel(String jobId) {
    return run(jobId) + "model/";
  }

  /** The validation records of a run ({@code validation.jsonl}, chat format), for the evaluator. */
  public static String validation(String jobId) {
    return run(jobId) + "validation/";
  }

  public static String metrics(String jobId) {
    return run(jobId) + "metrics/";
  }

  public static String evaluation(String id) {
    return EVALUATIONS + segment("evaluation id", id) + "/";
  }

  /** The folder of one registered version: {@code registry/<team>/<name>/v<version>/}. */
  public static String registryVersion(String team, String name, int version) {
    if (version < 1) {
      throw new InvalidNameException("registry version", Integer.toString(version), "must be >= 1");
    }
    return REGISTRY
        + segment("team", team)
        + "/"
        + segment("registry name", name)
        + "/v"
        + version
        + "/";
  }

  public static String export(String team, String name, int version, String exportId) {
    return registryVersion(team, name, version) + "exports/" + segment("export id", exportId) + "/";
  }

  /**
   * Returns {@code value} when it is one safe key segment (1-128 of letters, digits, '.', '_', '-',
   * starting with a letter or digit), else fails naming {@code field} and the offending part.
   */
  public static String segment(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidNameException(field, String.valueOf(value), "is empty");
    }
    if (value.length() > MAX_SEGMENT) {
      throw new InvalidNameException(
          field, value.substring(0, 32) + "…", "is longer than " + MAX_SEGMENT + " characters");
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidNameException(field, value, "'" + value + "' is not a name");
    }
    if (!SEGMENT.matcher(value).matches()) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        boolean ok =
            Character.isLetterOrDigit(c) && c < 128
                || (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok) {
          String shown = c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
          throw new InvalidNameException(
              field,
              printable(value),
              "character "
                  + shown
                  + " at index "
                  + i
                  + " is not allowed (use letters, digits, '.', '_', '-', starting with a letter or digit)");
        }
      }
    }
    return value;
  }

  /** A model name: one segment, or two ({@code org/name}, as on the Hugging Face Hub). */
  static String modelName(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidNameException("model name", String.valueOf(name), "is empty");
    }
    String[] parts = name.split("/", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new InvalidNameException("model name", name, "has an empty segment");
      }
    }
    if (parts.length > 2) {
      throw new InvalidNameException(
          "model name", name, "has more than two segments (use NAME or ORG/NAME)");
    }
    for (String part : parts) {
      try {
        segment("model name", part);
      } catch (InvalidNameException e) {
        throw new InvalidNameException(
            "model name",
            name,
            e.getMessage().substring(e.getMessage().indexOf("': ") + 3)
                + " (in segment '"
                + part
                + "')");
      }
    }
    return name;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
