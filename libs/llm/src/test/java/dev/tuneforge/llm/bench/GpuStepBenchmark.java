package dev.tuneforge.llm.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LoRA, QLoRA and full fine-tuning steps on the Llama-3.2-1B shape (random weights, one 512-token
 * row per step, AdamW, clipping) on the device {@link dev.tuneforge.llm.model.Placement} picks: for
 * a machine with a GPU, run through {@code scripts/bench-gpu.sh}. Each method prints a {@code
 * PROBE} line with the device, the compute type, the seconds of every step and the process's RSS.
 * Full fine-tuning of 1.24 B parameters needs ~20 GB for weights, gradients and AdamW moments in
 * float32; {@code -Dbench.gpu.methods=lora,qlora} skips it. Never run on a GPU here (none exists).
 */
@Tag("benchmark")
class GpuStepBenchmark {
  @Test
  void loraQloraAndFullStepsOnTheLlama32OneBShape() throws Exception {
    String steps = System.getProperty("bench.steps", "4");
    for (String method : System.getProperty("bench.gpu.methods", "lora,qlora,full").split(",")) {
      System.out.printf(
          "%n=== %s, llama-3.2-1b shape, %s steps of one 512-token row ===%n", method, steps);
      MemoryProbe.main(
          new String[] {
            "shape=llama-3.2-1b",
            "method=" + method.trim(),
            "rows=512",
            "mb=1",
            "accum=1",
            "steps=" + steps,
            "ckpt=" + System.getProperty("bench.checkpointing", "false")
          });
    }
  }
}
