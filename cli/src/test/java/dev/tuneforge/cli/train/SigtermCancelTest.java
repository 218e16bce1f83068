package dev.tuneforge.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.cli.CliRun;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.basemodel.BaseModel;
import dev.tuneforge.llm.train.Checkpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tuneforge train} stopped by SIGTERM (what Ctrl-C and Kubernetes send): the run is
 * cancelled within one optimizer step, says where it stopped, leaves only complete checkpoints, and
 * {@code --resume} finishes it.
 */
class SigtermCancelTest {
  private static final int MAX_STEPS = 30;
  @TempDir Path dir;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void sigtermCancelsWithinOneStepAndResumeFinishes() throws Exception {
    BaseModel.init(dir.resolve("base"), BaseModel.config(32, 2), 3);
    TinyChats.write(dir.resolve("chats.jsonl"));
    Files.writeString(
        dir.resolve("job.yaml"),
        """
        base_model: base
        adapter: lora
        lora_r: 4
        lora_target_modules: [q_proj, v_proj]
        datasets:
          - path: chats.jsonl
            type: chat
        sequence_len: 64
        micro_batch_size: 2
        max_steps: %d
        learning_rate: 0.02
        save_steps: 3
        seed: 4
        output_dir: out
        """
            .formatted(MAX_STEPS));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    child =
        new ProcessBuilder(
                java,
                "-Xmx1g",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                cp,
                TuneForge.class.getName(),
                "train",
                "--config",
                dir.resolve("job.yaml").toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> log = new ArrayList<>();
    long signalledAtStep = -1;
    Pattern stepLine = Pattern.compile("step (\\d+)/" + MAX_STEPS + " ");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        log.add(line);
        Matcher m = stepLine.matcher(line);
        if (signalledAtStep < 0 && m.find() && Long.parseLong(m.group(1)) >= 4) {
          signalledAtStep = Long.parseLong(m.group(1));
          // SIGTERM through kill(1): Process.destroy() would also close the stream read here
          new ProcessBuilder("kill", "-TERM", Long.toString(child.pid()))
              .inheritIO()
              .start()
              .waitFor();
        }
      }
    }
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not exit");
    String output = String.join("\n", log);
    assertTrue(signalledAtStep > 0, output);
    Matcher stopped = Pattern.compile("stopped at step (\\d+)").matcher(output);
    assertTrue(stopped.find(), "the run says where it stopped:\n" + output);
    long stoppedAt = Long.parseLong(stopped.group(1));
    // The signal reaches the run a few milliseconds after this test saw step N, and a tiny step
    // takes about one on a quiet machine: the run says which step the signal found it after.
    Matcher received = Pattern.compile("signal received after step (\\d+)").matcher(output);
    assertTrue(received.find(), "the run says where the signal found it:\n" + output);
    long receivedAt = Long.parseLong(received.group(1));
    assertTrue(
        receivedAt >= signalledAtStep, "signal sent after " + signalledAtStep + "\n" + output);
    assertTrue(
        stoppedAt >= receivedAt && stoppedAt <= receivedAt + 1,
        "signal received after step " + receivedAt + ", stopped at " + stoppedAt + "\n" + output);
    assertFalse(
        Files.exists(dir.resolve("out/adapter_model.safetensors")),
        "a cancelled run writes no output");
    try (Stream<Path> s = Files.list(dir.resolve("out").resolve(Checkpoints.DIR))) {
      for (Path p : s.toList()) {
        assertFalse(p.getFileName().toString().startsWith("."), "partial checkpoint left: " + p);
        assertTrue(Files.exists(p.resolve(Checkpoints.MANIFEST)), "incomplete checkpoint: " + p);
      }
    }
    long newest =
        Checkpoints.latest(dir.resolve("out"))
            .latest()
            .map(p -> Long.parseLong(p.getFileName().toString().substring("step-".length())))
            .orElseThrow();
    assertEquals(
        stoppedAt / 3 * 3, newest, "the newest checkpoint is the last save_steps multiple reached");

    String resumed =
        CliRun.run("train", "--config", dir.resolve("job.yaml").toString(), "--resume");
    assertTrue(resumed.contains("resuming from"), resumed);
    assertTrue(resumed.contains("done: " + MAX_STEPS + " steps"), resumed);
  }
}
