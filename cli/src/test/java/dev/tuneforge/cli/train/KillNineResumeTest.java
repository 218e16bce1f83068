package dev.tuneforge.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.cli.CliRun;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.basemodel.BaseModel;
import dev.tuneforge.llm.train.Checkpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tuneforge train} as its own JVM, killed with SIGKILL right as it starts writing its second
 * checkpoint, then {@code --resume}d: the adapter ends byte-identical to an uninterrupted run's.
 * With {@code lora_dropout} 0.1 and gradient accumulation, so the masks must be reproduced too.
 */
class KillNineResumeTest {
  private static final int SAVE_STEPS = 5;
  private static final int MAX_STEPS = 80;
  private static final String ADAPTER = "adapter_model.safetensors";

  @TempDir Path dir;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void runKilledMidCheckpointResumesToTheSameAdapterBytes() throws Exception {
    BaseModel.init(dir.resolve("base"), BaseModel.config(32, 2), 3);
    TinyChats.write(dir.resolve("chats.jsonl"));
    String job =
        """
        base_model: base
        adapter: lora
        lora_r: 4
        lora_alpha: 8
        lora_dropout: 0.1
        lora_target_modules: [q_proj, v_proj, gate_proj, down_proj]
        datasets:
          - path: chats.jsonl
            type: chat
        sequence_len: 64
        micro_batch_size: 2
        gradient_accumulation_steps: 2
        max_steps: %d
        learning_rate: 0.02
        save_steps: %d
        seed: 4
        output_dir: %s
        """;
    Files.writeString(
        dir.resolve("straight.yaml"), job.formatted(MAX_STEPS, SAVE_STEPS, "straight"));
    Files.writeString(dir.resolve("killed.yaml"), job.formatted(MAX_STEPS, SAVE_STEPS, "killed"));

    // The killed run: a separate JVM, SIGKILLed while it writes its second checkpoint. The trainer
    // reports a step before saving it; from that line on, watch for the checkpoint's temporary
    // folder
    // and kill the moment it appears (mid-write), or after a short wait if it was missed.
    Path killed = dir.resolve("killed");
    int killStep = 2 * SAVE_STEPS;
    child = launch("train", "--config", dir.resolve("killed.yaml").toString());
    List<String> log = new ArrayList<>();
    boolean sawKillStep = false;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        log.add(line);
        if (line.contains("step " + killStep + "/" + MAX_STEPS + " ")) {
          awaitCheckpointWrite(killed.resolve(Checkpoints.DIR), killStep);
          child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush, no cleanup
          sawKillStep = true;
          break;
        }
      }
    }
    assertTrue(
        sawKillStep,
        "the child never reported step " + killStep + "; its output:\n" + String.join("\n", log));
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the killed child did not exit");
    assertEquals(
        137,
        child.exitValue(),
        "the child must die of SIGKILL (128 + 9), not finish; raise MAX_STEPS if it"
            + " ran to the end first. Output:\n"
            + String.join("\n", log));
    assertFalse(
        Files.exists(killed.resolve(ADAPTER)),
        "the killed run must not have written its final adapter");
    assertTrue(
        Files.isRegularFile(
            killed
                .resolve(Checkpoints.DIR)
                .resolve("step-" + SAVE_STEPS)
                .resolve(Checkpoints.MANIFEST)),
        "the first checkpoint (step " + SAVE_STEPS + ") is complete before the kill");
    System.out.println(
        "killed at step "
            + killStep
            + "; left behind: "
            + listing(killed.resolve(Checkpoints.DIR)));

    String resumed = run("train", "--config", dir.resolve("killed.yaml").toString(), "--resume");
    assertTrue(resumed.contains("resuming from"), resumed);
    assertTrue(resumed.contains("done: " + MAX_STEPS + " steps"), resumed);
    try (Stream<Path> s = Files.list(killed.resolve(Checkpoints.DIR))) {
      List<String> left =
          s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
      assertTrue(left.isEmpty(), "resume removes unfinished checkpoint writes, left: " + left);
    }

    run("train", "--config", dir.resolve("straight.yaml").toString());
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("straight").resolve(ADAPTER)),
        Files.readAllBytes(killed.resolve(ADAPTER)),
        "the adapter of the killed-and-resumed run differs from the uninterrupted run's; resume output:\n"
            + resumed);
  }

  /**
   * Spins until a folder for {@code step}'s checkpoint (temporary or final) exists, at most ~2 s: a
   * best effort to land the kill inside the write; the test's verdict does not depend on it.
   */
  private void awaitCheckpointWrite(Path checkpoints, int step) throws IOException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until && child.isAlive()) {
      try (Stream<Path> s = Files.list(checkpoints)) {
        if (s.map(p -> p.getFileName().toString())
            .anyMatch(n -> n.equals("step-" + step) || n.startsWith(".step-" + step + "."))) {
          return;
        }
      }
    }
  }

  /**
   * {@code tuneforge args...} in a new JVM with this test's classpath and libtorch thread count.
   */
  private Process launch(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-Xmx1g", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
    // Bitwise equality needs the same intra-op thread count in both runs (reductions split by
    // thread).
    String threads = System.getProperty("ai.djl.pytorch.num_threads");
    if (threads != null) {
      cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
    }
    cmd.addAll(List.of("-cp", cp, TuneForge.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  private static String run(String... args) {
    return CliRun.run(args);
  }

  /** The checkpoint folders and whether each has its manifest (for the test's report). */
  private static String listing(Path checkpoints) throws IOException {
    List<String> entries = new ArrayList<>();
    try (Stream<Path> s = Files.list(checkpoints)) {
      for (Path p : s.sorted().toList()) {
        entries.add(
            p.getFileName()
                + (Files.exists(p.resolve(Checkpoints.MANIFEST)) ? " (complete)" : " (partial)"));
      }
    }
    return String.join(", ", entries);
  }
}
