package dev.tuneforge.llm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where a training job's peak RSS goes, part by part, and QLoRA at the real Llama-3.2 shapes. Each
 * configuration runs {@link MemoryProbe} in its own JVM (a process's peak cannot be un-done inside
 * it) and the parts are the differences between configurations that switch one thing off. Run with
 * {@code mvn -B -pl libs/llm -am verify -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=MemoryPartsBenchmark -Dsurefire.failIfNoSpecifiedTests=false} (one method: {@code
 * -Dtest=MemoryPartsBenchmark#sftJobPerPart}; shapes for the scale run: {@code
 * -Dbench.scale.shapes=llama-3.2-1b,llama-3.2-3b,llama-3.1-8b}, {@code -Dbench.threads=2}).
 */
@Tag("benchmark")
class MemoryPartsBenchmark {

  @Test
  void sftJobPerPart() throws Exception {
    // the SFT benchmark's job: SmolLM2-135M shape, LoRA r16 all-linear, micro-batch 4 x
    // accumulation 2, rows up to 448 tokens with the loss on the last 40%; 2 optimizer steps
    String steps = System.getProperty("bench.steps", "2");
    List<String> common =
        List.of("shape=smollm2-135m", "method=lora", "rows=sft", "steps=" + steps);
    Map<String, Map<String, String>> runs = new LinkedHashMap<>();
    runs.put(
        "before (every handle kept, logits at every position)",
        probe(common, Map.of(), "keep=true", "allpos=true"));
    runs.put(
        "+ layers scoped (autograd keeps what backward needs)",
        probe(common, Map.of(), "allpos=true"));
    runs.put("+ logits only at target positions (default now)", probe(common, Map.of()));
    runs.put("+ gradient checkpointing", probe(common, Map.of(), "ckpt=true"));
    runs.put(
        "default, glibc mmap threshold 128 KiB (allocator retention)",
        probe(common, Map.of("MALLOC_MMAP_THRESHOLD_", "131072")));
    System.out.printf(
        "%n=== peak RSS per part: SFT-shaped LoRA job (%s optimizer steps) ===%n", steps);
    System.out.println(
        "| configuration | RSS after build MiB | peak in training MiB | above build MiB | s per step | load |");
    System.out.println("| --- | ---: | ---: | ---: | --- | --- |");
    List<Double> above = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> e : runs.entrySet()) {
      Map<String, String> r = e.getValue();
      double built = mib(r, "rssModelKiB");
      double peak = mib(r, "peakKiB");
      above.add(peak - built);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %.0f | %s | %s |%n",
          e.getKey(),
          built,
          peak,
          peak - built,
          r.get("stepSeconds"),
          r.get("load"));
    }
    // analytic sizes of the tensors the toggles remove (B=4, T=448, V=49152, 30 layers, 9 heads)
    double scores = 4.0 * 9 * 448 * 448 * 4 * 30 / (1 << 20);
    double logits = 4.0 * 448 * 49152 * 4 / (1 << 20);
    double mask = 4.0 * 448 * 448 * 4 / (1 << 20);
    System.out.printf(
        Locale.ROOT,
        "parts (differences of the rows above): handles of intermediates autograd does not need %.0f MiB;"
            + " logits/log-softmax at non-target positions %.0f MiB; activations saved for backward"
            + " (removed by checkpointing) %.0f MiB; allocator retention %.0f MiB%n",
        above.get(0) - above.get(1),
        above.get(1) - above.get(2),
        above.get(2) - above.get(3),
        above.get(2) - above.get(4));
    System.out.printf(
        Locale.ROOT,
        "sizes for scale: one [B,H,T,T] score tensor for all 30 layers %.0f MiB; one [B,T,V] logits"
            + " tensor %.0f MiB; the additive mask [B,1,1,T,T] %.1f MiB%n",
        scores,
        logits,
        mask);
    assertTrue(above.get(2) > 0);
  }

  @Test
  void qloraAtScale() throws Exception {
    String shapes = System.getProperty("bench.scale.shapes", "llama-3.2-1b");
    System.out.printf(
        "%n=== QLoRA r16 all-linear + gradient checkpointing, one 512-token row per step ===%n");
    System.out.println(
        "| shape | parameters | NF4 parameters | NF4 bytes/param (accounted) | RSS after build MiB | (RSS − float tensors)/NF4 param | peak in training MiB | s per step | load |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (String shape : shapes.split(",")) {
      Map<String, String> r =
          probe(
              List.of(
                  "shape=" + shape,
                  "method=qlora",
                  "rows=512",
                  "mb=1",
                  "accum=1",
                  "steps=" + System.getProperty("bench.steps", "2"),
                  "ckpt=true"),
              Map.of());
      long nf4 = Long.parseLong(r.get("nf4Params"));
      double rssModel = Double.parseDouble(r.get("rssModelKiB")) * 1024;
      double rssStart = Double.parseDouble(r.get("rssStartKiB")) * 1024;
      double perParam = (rssModel - rssStart - Double.parseDouble(r.get("floatBytes"))) / nf4;
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %.4f | %.0f | %.4f | %.0f | %s | %s |%n",
          shape,
          Long.parseLong(r.get("params")),
          nf4,
          Double.parseDouble(r.get("nf4Bytes")) / nf4,
          mib(r, "rssModelKiB"),
          perParam,
          mib(r, "peakKiB"),
          r.get("stepSeconds"),
          r.get("load"));
      assertTrue(nf4 > 0);
    }
  }

  private static double mib(Map<String, String> r, String key) {
    return Double.parseDouble(r.get(key)) / 1024;
  }

  /** Runs the probe in a fresh JVM with this JVM's class path; returns its PROBE fields. */
  private static Map<String, String> probe(
      List<String> common, Map<String, String> env, String... extra)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + System.getProperty("bench.probe.xmx", "1g"));
    // libtorch threads: -Dbench.threads, else as the tests' JVM runs libtorch (1 in this build,
    // for shared CI machines); a scale run on a quiet machine wants every core
    String threads =
        System.getProperty("bench.threads", System.getProperty("ai.djl.pytorch.num_threads"));
    if (threads != null) {
      cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MemoryProbe.class.getName());
    cmd.addAll(common);
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    Map<String, String> fields = new LinkedHashMap<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("PROBE ")) {
          for (String kv : line.substring(6).split(" ")) {
            fields.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
          }
        } else if (!line.startsWith("[W") && !line.startsWith("SLF4J")) {
          System.out.println("  probe: " + line);
        }
      }
    }
    assertEquals(0, p.waitFor(), "probe exit code for " + cmd.subList(5, cmd.size()));
    System.out.println(
        "  " + String.join(" ", cmd.subList(5, cmd.size())) + " " + env + " -> " + fields);
    return fields;
  }
}
