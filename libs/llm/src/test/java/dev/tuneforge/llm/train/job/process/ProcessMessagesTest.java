package dev.tuneforge.llm.train.job.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.train.EvalReport;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job process's line protocol, its classpath and its crash summary. */
class ProcessMessagesTest {

  @Test
  void reportsSurviveTheLineWithNonFiniteNumbers() {
    StepReport s =
        new StepReport(3, 10, 0.5, Double.NaN, 2e-4, Double.POSITIVE_INFINITY, 1234.5, 7.25, 99);
    JsonNode m = ProcessMessages.parse(ProcessMessages.step(s));
    assertEquals("step", m.get("type").asText());
    assertEquals(s, ProcessMessages.stepReport(m));

    EvalReport e = new EvalReport(4, 1.5, Math.exp(1.5), true);
    assertEquals(
        e, ProcessMessages.evalReport(ProcessMessages.parse(ProcessMessages.evaluation(e))));

    TrainingResult r =
        new TrainingResult(
            6, 2, List.of(1.0, Double.NaN, 0.5), List.of(e), true, false, Path.of("/w/out"));
    assertEquals(
        r, ProcessMessages.trainingResult(ProcessMessages.parse(ProcessMessages.result(r))));
    TrainingResult cancelled = TrainingResult.cancelledBeforeTraining();
    assertEquals(
        cancelled,
        ProcessMessages.trainingResult(ProcessMessages.parse(ProcessMessages.result(cancelled))));
  }

  @Test
  void linesWithoutThePrefixOrWithBrokenJsonAreNotMessages() {
    assertNull(ProcessMessages.parse("[W NNPACK.cpp:64] Could not initialize NNPACK!"));
    assertNull(ProcessMessages.parse(ProcessMessages.PREFIX + "{\"type\":"));
    assertNull(ProcessMessages.parse(ProcessMessages.PREFIX + "[1,2]"));
    assertEquals(
        "lora_r",
        ProcessMessages.parse(
                ProcessMessages.failed("JobConfigException", "must be >= 1", "lora_r"))
            .get("key")
            .asText());
  }

  @Test
  void aQuarkusFastJarGetsItsLibrariesOnTheChildClasspath(@TempDir Path dir) throws Exception {
    Path app = dir.resolve("quarkus-app");
    Files.createDirectories(app.resolve("lib/main"));
    Path runner = Files.createFile(app.resolve("quarkus-run.jar"));
    String cp = JobProcessLaunch.classpath(runner.toString());
    assertEquals(
        String.join(
            java.io.File.pathSeparator,
            app.resolve("lib/boot") + "/*",
            app.resolve("lib/main") + "/*",
            app.resolve("app") + "/*"),
        cp);
    String plain = "a.jar" + java.io.File.pathSeparator + "b/classes";
    assertEquals(plain, JobProcessLaunch.classpath(plain));
  }

  @Test
  void aJvmFatalErrorIsSummarisedBySignalAndFrame() {
    OutputTail tail = new OutputTail();
    for (String l :
        """
        loading libtorch
        #
        # A fatal error has been detected by the Java Runtime Environment:
        #
        #  SIGSEGV (0xb) at pc=0x00007fe300941f14, pid=21823, tid=21823
        #
        # JRE version: OpenJDK Runtime Environment (17.0.15+6)
        # Problematic frame:
        # C  [libtorch_cpu.so+0x85f14]
        #
        # An error report file with more information is saved as:
        # /work/crashes/hs_err_pid21823.log
        #
        # If you would like to submit a bug report, please visit:
        """
            .split("\n")) {
      tail.add(l);
    }
    String s = tail.summary();
    assertTrue(s.startsWith("A fatal error has been detected"), s);
    assertTrue(s.contains("SIGSEGV (0xb) at pc="), s);
    assertTrue(s.contains("C  [libtorch_cpu.so+0x85f14]"), s);
    assertTrue(s.contains("/work/crashes/hs_err_pid21823.log"), s);
    assertTrue(!s.contains("bug report") && !s.contains("JRE version"), s);

    OutputTail plain = new OutputTail();
    for (int i = 0; i < 100; i++) {
      plain.add("line " + i);
    }
    assertEquals(
        "line 92 | line 93 | line 94 | line 95 | line 96 | line 97 | line 98 | line 99",
        plain.summary());
  }

  @Test
  void aCrashNamesItsSignal() {
    assertEquals("signal 11 SIGSEGV (exit code 139)", EngineCrashed.describe(139));
    assertEquals("exit code 3", EngineCrashed.describe(3));
    EngineCrashed e = new EngineCrashed(137, null, "");
    assertEquals(
        "the training process ended with signal 9 SIGKILL (exit code 137) before its first step",
        e.getMessage());
  }
}
