package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.CheckpointedForward;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.Masks;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.train.ModelInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resident memory between training steps versus the peak inside a step, QLoRA (NF4 base) against
 * LoRA (float32 base), on a model of SmolLM2-135M's layer shape (hidden 576, 8 layers, GQA 9:3, MLP
 * 1536; vocabulary cut to 4096 so the float embedding and head do not hide the base). Figures:
 * bytes of the arrays DJL tracks (model manager between steps; arrays a step created, measured
 * after the forward, when autograd holds everything backward needs) and the process RSS, without
 * and with gradient checkpointing ({@link CheckpointedForward}: after its forward a step holds each
 * layer's input and the head's graph; backward then recomputes one layer at a time). Run with
 * {@code mvn -B -pl libs/llm -am test -Dtests.excluded=none -Dgroups=benchmark
 * -Dtest=QloraMemoryBenchmark}.
 */
@Tag("benchmark")
class QloraMemoryBenchmark {
  @TempDir Path dir;

  @Test
  void residentBetweenStepsVersusPeakInAStep() throws IOException {
    ObjectNode c = RandomCheckpoints.tinyConfig("llama"); // then SmolLM2-135M's layer shapes
    c.put("hidden_size", 576);
    c.put("num_hidden_layers", 8);
    c.put("num_attention_heads", 9);
    c.put("num_key_value_heads", 3);
    c.put("intermediate_size", 1536);
    c.put("vocab_size", 4096);
    c.put("max_position_embeddings", 512);
    Path base = ModelInit.write(dir.resolve("base"), c, 1);
    LoraConfig lora = new LoraConfig(8, 16, 0.0, List.of(LoraConfig.ALL_LINEAR), false, 1);
    long[][] ids = new long[1][256];
    Random rnd = new Random(3);
    for (int i = 0; i < 256; i++) {
      ids[0][i] = rnd.nextInt(4096);
    }
    Figures lo = measure(base, LoraLinearFactory.fresh(lora), ids, false);
    Nf4LinearFactory nf4 = new Nf4LinearFactory();
    Figures q = measure(base, LoraLinearFactory.fresh(lora, nf4), ids, false);
    Figures loCk = measure(base, LoraLinearFactory.fresh(lora), ids, true);
    Figures qCk = measure(base, LoraLinearFactory.fresh(lora, new Nf4LinearFactory()), ids, true);
    long deq = 4 * nf4.parameters();
    System.out.printf(
        "QLoRA memory, 256 tokens, LoRA r 8 all-linear, %.1f M quantized parameters:%n",
        nf4.parameters() / 1e6);
    System.out.printf(
        "  tracked between steps: LoRA %.1f MiB, QLoRA %.1f MiB (NF4 base %.1f MiB)%n",
        mib(lo.between), mib(q.between), mib(nf4.residentBytes()));
    System.out.printf(
        "  tracked arrays a step holds after forward: LoRA %.1f MiB, QLoRA %.1f MiB "
            + "(of which dequantized weights kept for backward: %.1f MiB)%n",
        mib(lo.step), mib(q.step), mib(deq));
    System.out.printf(
        "  tracked peak = between + step: LoRA %.1f MiB, QLoRA %.1f MiB%n",
        mib(lo.between + lo.step), mib(q.between + q.step));
    System.out.printf(
        "  RSS between steps: LoRA %.1f MiB, QLoRA %.1f MiB; RSS after forward: LoRA %.1f, QLoRA %.1f MiB%n",
        mib(lo.rssBetween), mib(q.rssBetween), mib(lo.rssPeak), mib(q.rssPeak));
    System.out.printf(
        "  with gradient_checkpointing, held after forward: LoRA %.1f MiB, QLoRA %.1f MiB; "
            + "tracked peak after forward: LoRA %.1f MiB, QLoRA %.1f MiB%n",
        mib(loCk.step), mib(qCk.step), mib(loCk.between + loCk.step), mib(qCk.between + qCk.step));
    System.out.printf(
        "  with gradient_checkpointing, RSS after forward: LoRA %.1f MiB, QLoRA %.1f MiB%n",
        mib(loCk.rssPeak), mib(qCk.rssPeak));
    assertTrue(q.between < lo.between, "the NF4 base is smaller between steps");
    assertTrue(
        qCk.step + deq * 7 / 8 <= q.step,
        "checkpointing keeps no layer's dequantized weight after forward");
    assertTrue(
        q.step >= lo.step + deq * 9 / 10, "autograd keeps every dequantized weight until backward");
  }

  private record Figures(long between, long step, long rssBetween, long rssPeak) {}

  private static Figures measure(Path base, LoraLinearFactory f, long[][] ids, boolean checkpointed)
      throws IOException {
    try (CausalLM model =
        ModelLoader.load(new LocalModelSource(base), Engine.getInstance().defaultDevice(), f)) {
      f.trainableParameters().values().forEach(p -> p.setRequiresGradient(true));
      long[] stepBytes = new long[1];
      step(model, ids, checkpointed, stepBytes); // warm-up
      System.gc();
      long between = bytes(model.manager().getManagedArrays());
      long rssBetween = rss();
      long[] rssPeak = new long[1];
      step(model, ids, checkpointed, stepBytes, rssPeak);
      f.trainableParameters().values().forEach(p -> p.setRequiresGradient(false));
      return new Figures(between, stepBytes[0], rssBetween, rssPeak[0]);
    }
  }

  private static void step(
      CausalLM model, long[][] ids, boolean checkpointed, long[] stepBytes, long... rssPeak)
      throws IOException {
    Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    owned.addAll(model.manager().getManagedArrays());
    try (NDManager step = model.newStepManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      long[] next = java.util.Arrays.copyOfRange(ids[0], 1, ids[0].length);
      NDArray target = step.create(next, new Shape(1, next.length, 1));
      java.util.function.Function<NDArray, NDArray> loss = logits -> // [1, T, V] → ()
          logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1).gather(target, -1).mean().neg();
      boolean[][] valid = {new boolean[ids[0].length]};
      java.util.Arrays.fill(valid[0], true);
      CheckpointedForward ck = null;
      NDArray plain = null;
      if (checkpointed) {
        ck =
            CheckpointedForward.run(
                model,
                step,
                Masks.longs(step, ids),
                Masks.longs(step, Masks.positions(valid)),
                Masks.bias(
                    step, valid, ids[0].length, ids[0].length, model.config().slidingWindow()),
                loss);
      } else {
        plain = loss.apply(model.forward(step, ids, null));
      }
      // everything backward needs is alive now: the step's own arrays, parameters excluded
      stepBytes[0] =
          bytes(step.getManagedArrays().stream().filter(a -> !owned.contains(a)).toList());
      if (rssPeak.length > 0) {
        rssPeak[0] = rss();
      }
      if (checkpointed) {
        ck.backward(gc, () -> {});
      } else {
        gc.backward(plain);
      }
    }
  }

  private static long bytes(List<NDArray> arrays) {
    return arrays.stream()
        .filter(a -> !a.isReleased())
        .mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
        .sum();
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  private static long rss() throws IOException {
    String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
    return Long.parseLong(statm[1]) * 4096L;
  }
}
