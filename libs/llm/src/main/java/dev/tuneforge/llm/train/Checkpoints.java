package dev.tuneforge.llm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.CorruptArtifactException;
import dev.tuneforge.artifact.InvalidManifestException;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsFile;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.train.optim.AdamWState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints under {@code output_dir/checkpoints/step-<n>/}. A checkpoint is written into a hidden
 * temporary folder, its {@code manifest.json} (the artifact manifest of libs/artifact-format, kind
 * {@code checkpoint}: sha256 and size of every other file, the step in its metadata) last, and then
 * renamed into place atomically; resume accepts only a folder whose manifest exists and whose every
 * file matches its hash, so a crash at any point never leaves a checkpoint that looks complete; the
 * temporary folder such a crash leaves behind is deleted when the run resumes.
 *
 * <p>Files: {@code trainable.safetensors} (trainable weights, float32, by parameter name), {@code
 * optimizer.safetensors} ({@code exp_avg.<name>}, {@code exp_avg_sq.<name>}) with {@code
 * optimizer.json} (step, hyper-parameters), {@code trainer_state.json} (global step, data position,
 * scheduler position, RNG state, early-stopping state), {@code job.json} (the full job).
 */
public final class Checkpoints {

  public static final String DIR = "checkpoints";

  /** The artifact manifest (libs/artifact-format), the same format the object store publishes. */
  public static final String MANIFEST = ArtifactManifest.FILE_NAME;

  public static final String TRAINABLE = "trainable.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String OPTIMIZER_JSON = "optimizer.json";
  public static final String TRAINER_STATE = "trainer_state.json";
  public static final String JOB = "job.json";
  private static final List<String> FILES =
      List.of(TRAINABLE, OPTIMIZER, OPTIMIZER_JSON, TRAINER_STATE, JOB);
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
  private static final Pattern TEMP_DIR = Pattern.compile("\\.step-\\d+\\.tmp--?\\d+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoints() {}

  /** A checkpoint read back. */
  public record Loaded(
      Path dir,
      Map<String, float[]> weights,
      AdamWState optimizer,
      JsonNode trainerState,
      JsonNode job) {}

  /** The outcome of looking for a checkpoint to resume from. */
  public record Scan(Optional<Path> latest, List<String> rejected) {}

  /**
   * Writes the checkpoint of {@code step}; returns its folder. An existing folder of the same step
   * (left by an earlier run of the same job) is replaced.
   */
  public static Path write(
      Path outputDir,
      long step,
      Map<String, FloatTensor> weights,
      AdamWState optimizer,
      JsonNode optimizerConfig,
      JsonNode trainerState,
      JsonNode job) {
    Path root = outputDir.resolve(DIR);
    Path target = root.resolve("step-" + step);
    Path tmp = root.resolve(".step-" + step + ".tmp-" + System.nanoTime());
    try {
      Files.createDirectories(tmp);
      SafetensorsWriter.write(tmp.resolve(TRAINABLE), weights, DType.F32);
      Map<String, FloatTensor> moments = new LinkedHashMap<>();
      for (Map.Entry<String, FloatTensor> w : weights.entrySet()) {
        long[] shape = w.getValue().shape();
        moments.put(
            "exp_avg." + w.getKey(), new FloatTensor(shape, optimizer.expAvg().get(w.getKey())));
        moments.put(
            "exp_avg_sq." + w.getKey(),
            new FloatTensor(shape, optimizer.expAvgSq().get(w.getKey())));
      }
      SafetensorsWriter.write(tmp.resolve(OPTIMIZER), moments, DType.F32);
      ObjectNode opt = JSON.createObjectNode();
      opt.put("step", optimizer.step());
      opt.set("config", optimizerConfig);
      writeJson(tmp.resolve(OPTIMIZER_JSON), opt);
      writeJson(tmp.resolve(TRAINER_STATE), trainerState);
      writeJson(tmp.resolve(JOB), job);
      // the manifest last: its presence says every file above is complete
      LocalArtifacts.writeManifest(
          tmp, LocalArtifacts.describe(tmp, ArtifactKind.CHECKPOINT, Map.of("step", step)));
      if (Files.exists(target)) {
        LocalArtifacts.deleteRecursively(target);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + target, e);
    }
  }

  /**
   * The newest complete checkpoint under {@code outputDir/checkpoints}, and why each newer folder
   * was rejected (no manifest, a missing file, a hash mismatch).
   */
  public static Scan latest(Path outputDir) {
    Path root = outputDir.resolve(DIR);
    List<String> rejected = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return new Scan(Optional.empty(), rejected);
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs =
          s.filter(Files::isDirectory)
              .filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
              .sorted(Comparator.comparingLong(Checkpoints::stepOf).reversed())
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    for (Path dir : dirs) {
      String problem = problem(dir);
      if (problem == null) {
        return new Scan(Optional.of(dir), rejected);
      }
      rejected.add(dir + ": " + problem);
    }
    return new Scan(Optional.empty(), rejected);
  }

  /**
   * Deletes the temporary folders of checkpoint writes that a crash (kill -9, power loss) cut
   * short; returns them. Call only while no run writes to {@code outputDir}.
   */
  public static List<Path> removeUnfinishedWrites(Path outputDir) {
    Path root = outputDir.resolve(DIR);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      List<Path> stale =
          s.filter(p -> TEMP_DIR.matcher(p.getFileName().toString()).matches()).sorted().toList();
      for (Path p : stale) {
        LocalArtifacts.deleteRecursively(p);
      }
      return stale;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean unfinished checkpoint writes under " + root, e);
    }
  }

  /** Why {@code dir} is not a complete checkpoint, or null when it is. */
  static String problem(Path dir) {
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      return "no " + MANIFEST + " (incomplete checkpoint)";
    }
    try {
      ArtifactManifest manifest = LocalArtifacts.verify(dir);
      if (manifest.kind() != ArtifactKind.CHECKPOINT) {
        return MANIFEST + " describes a " + manifest.kind().id() + ", not a checkpoint";
      }
      for (String f : FILES) {
        if (manifest.file(f).isEmpty()) {
          return MANIFEST + " does not list " + f;
        }
      }
      return null;
    } catch (CorruptArtifactException e) {
      return e.getMessage();
    } catch (InvalidManifestException | UncheckedIOException e) {
      return "unreadable " + MANIFEST + ": " + e.getMessage();
    }
  }

  /** Reads a checkpoint that {@link #latest} accepted. */
  public static Loaded read(Path dir) {
    try {
      Map<String, float[]> weights = new LinkedHashMap<>();
      try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(TRAINABLE))) {
        for (String name : f.tensors().keySet()) {
          weights.put(name, f.readFloats(name));
        }
      }
      Map<String, float[]> m = new LinkedHashMap<>();
      Map<String, float[]> v = new LinkedHashMap<>();
      try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(OPTIMIZER))) {
        for (String name : weights.keySet()) {
          m.put(name, f.readFloats("exp_avg." + name));
          v.put(name, f.readFloats("exp_avg_sq." + name));
        }
      }
      long optStep = JSON.readTree(dir.resolve(OPTIMIZER_JSON).toFile()).path("step").asLong();
      return new Loaded(
          dir,
          weights,
          new AdamWState(optStep, m, v),
          JSON.readTree(dir.resolve(TRAINER_STATE).toFile()),
          JSON.readTree(dir.resolve(JOB).toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + dir, e);
    }
  }

  static long stepOf(Path dir) {
    Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static void writeJson(Path file, JsonNode node) throws IOException {
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
  }
}
