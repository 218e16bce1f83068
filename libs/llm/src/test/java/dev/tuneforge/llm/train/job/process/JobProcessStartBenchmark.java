package dev.tuneforge.llm.train.job.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints what a JVM of its own costs a job: from starting the run to its first optimizer step, in
 * this (warm) JVM with {@code JobRunner.start} and in a child JVM with {@code JobProcess.start}
 * (JVM start, classes, libtorch load, then the same work), on the tiny reference Llama. Run with
 * {@code -Dtests.excluded=none -Dgroups=benchmark -Dtest=JobProcessStartBenchmark}.
 */
@Tag("benchmark")
class JobProcessStartBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private JobConfig job(String name) throws Exception {
    Path home = Files.createDirectories(dir.resolve(name));
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      data.append("{\"text\": \"example ").append(i).append(" the quick brown fox\"}\n");
    }
    Files.writeString(home.resolve("train.jsonl"), data);
    ObjectNode j = JSON.createObjectNode();
    j.put("base_model", Fixtures.reference("llama3-bf16").toString());
    j.put("adapter", "lora");
    j.put("lora_r", 4);
    j.putArray("datasets").addObject().put("path", "train.jsonl").put("type", "text");
    j.put("sequence_len", 32);
    j.put("max_steps", 2);
    j.put("learning_rate", 0.01);
    j.put("seed", 7);
    j.put("output_dir", "out");
    return JobConfig.parse(j, home);
  }

  /** Milliseconds from start to the first step report. */
  private static long toFirstStep(java.util.function.Function<TrainingListener, TrainingRun> start)
      throws Exception {
    CompletableFuture<Long> first = new CompletableFuture<>();
    long t0 = System.nanoTime();
    TrainingRun run =
        start.apply(
            (StepReport r) ->
                first.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
    long ms = first.get(5, TimeUnit.MINUTES);
    run.await(Duration.ofMinutes(5)).orElseThrow();
    return ms;
  }

  @Test
  void startToFirstStepInThisJvmAndInAJvmOfItsOwn() throws Exception {
    JobProcessLaunch launch =
        JobProcessLaunch.ofThisJvm(
            List.of("-XX:+ExitOnOutOfMemoryError"),
            Map.of(),
            dir.resolve("crashes"),
            Duration.ofSeconds(30));
    for (int i = 1; i <= 4; i++) {
      JobConfig here = job("here-" + i);
      long inProcess = toFirstStep(l -> JobRunner.start(here, l, false));
      JobConfig child = job("child-" + i);
      long process = toFirstStep(l -> JobProcess.start(launch, child, l, false));
      System.out.printf(
          "run %d: start -> first step in this JVM %d ms, in a JVM of its own %d ms (+%d ms)%n",
          i, inProcess, process, process - inProcess);
    }
  }
}
