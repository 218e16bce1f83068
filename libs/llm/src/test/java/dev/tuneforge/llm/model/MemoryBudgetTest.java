package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.RandomCheckpoints;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.safetensors.DType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetTest {
  @TempDir Path dir;

  @Test
  void theEstimateCountsExactlyTheParametersTheLoadedModelHolds() {
    RandomCheckpoints.write(dir, RandomCheckpoints.tinyConfig("qwen2"), DType.BF16, 1);
    ModelConfig c = ModelLoader.config(new LocalModelSource(dir));
    MemoryBudget.Estimate e =
        MemoryBudget.estimate(c, c.modelType().architecture(), LinearFactory.plain(), 100);
    try (CausalLM model = ModelLoader.load(new LocalModelSource(dir))) {
      assertEquals(model.parameterCount(), e.parameters());
    }
    assertEquals(4 * e.parameters(), e.weightBytes()); // float32 compute, whatever the stored dtype
    assertEquals(
        2L * 2 * (2 * 16) * 100 * 4,
        e.kvCacheBytes()); // K and V, 2 layers, 2 kv heads × 16, 100 tokens
  }

  @Test
  void nf4LayersAreCountedAtTheirQuantizedSize() {
    ModelConfig c =
        ModelConfig.parse(RandomCheckpoints.tinyConfig("llama").put("vocab_size", 8).toString());
    MemoryBudget.Estimate plain =
        MemoryBudget.estimate(c, c.modelType().architecture(), LinearFactory.plain(), 1);
    MemoryBudget.Estimate nf4 =
        MemoryBudget.estimate(c, c.modelType().architecture(), new Nf4LinearFactory(), 1);
    double ratio = (double) plain.weightBytes() / nf4.weightBytes();
    assertTrue(ratio > 5 && ratio < 8, "float32 / NF4 = " + ratio);
  }

  @Test
  void sizesParseWithUnitsAndBadOnesNameTheSetting() {
    assertEquals(8L << 30, MemoryBudget.parseBytes("8g"));
    assertEquals(1536L << 20, MemoryBudget.parseBytes("1.5G"));
    assertEquals(512L << 20, MemoryBudget.parseBytes("512mb"));
    assertEquals(4096, MemoryBudget.parseBytes("4096"));
    for (String bad : new String[] {"", "-1g", "0", "lots", "1e30t", "NaN"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parseBytes(bad));
      assertTrue(e.getMessage().contains(MemoryBudget.ENV), e.getMessage());
    }
    assertTrue(MemoryBudget.limitBytes() > 0);
  }
}
