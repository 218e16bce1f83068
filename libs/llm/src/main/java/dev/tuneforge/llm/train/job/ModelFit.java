package dev.tuneforge.llm.train.job;

import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.MemoryBudget;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a job's method can run on its base model, decided from the model's {@code config.json}
 * alone, before a weight is read: {@code lora_target_modules} entries that match no linear layer of
 * the architecture, and a method whose memory exceeds the budget (the weights as the method keeps
 * them — float32 for lora, NF4 for qlora, four float32 copies for full fine-tuning: weights,
 * gradients and AdamW's two moments — plus a KV cache of one micro-batch of {@code sequence_len}
 * tokens). {@code tuneforge train} (through {@link JobRunner}) and the trainer service's job
 * validator both call it, so both refuse the same jobs in the same words, each naming the key.
 *
 * <p>QLoRA has no shape condition here: NF4 pads a weight to whole blocks of 64, so every linear
 * layer of every supported architecture can be quantized.
 */
public final class ModelFit {

  private ModelFit() {}

  /**
   * @param memoryLimitBytes the bytes the run may take ({@link MemoryBudget#limitBytes()})
   * @throws JobConfigException naming {@code lora_target_modules} or {@code adapter}
   */
  public static void check(JobConfig job, ModelConfig model, long memoryLimitBytes) {
    Architecture arch = model.modelType().architecture();
    if (job.adapter() != JobConfig.Adapter.FULL
        && job.loraModelDir() == null
        && job.loraTargetModules() != null
        && !job.loraTargetModules().isEmpty()) {
      LoraConfig lora = LoraConfig.of(1, 1, job.loraTargetModules());
      try {
        lora.requireTargetsMatch(linearModules(model, arch), "lora_target_modules");
      } catch (JobConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        throw new JobConfigException(
            "lora_target_modules",
            m.startsWith("lora_target_modules: ")
                ? m.substring("lora_target_modules: ".length())
                : m);
      }
    }
    long contextTokens = (long) job.sequenceLen() * job.microBatchSize();
    LinearFactory linears =
        job.adapter() == JobConfig.Adapter.QLORA ? new Nf4LinearFactory() : LinearFactory.plain();
    MemoryBudget.Estimate e = MemoryBudget.estimate(model, arch, linears, contextTokens);
    String what;
    String instead;
    if (job.adapter() == JobConfig.Adapter.FULL) {
      e =
          new MemoryBudget.Estimate(
              e.parameters(),
              e.weightBytes() > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 4 * e.weightBytes(),
              e.kvCacheBytes(),
              e.contextTokens());
      what = "full fine-tuning (weights, gradients and two AdamW moments)";
      instead = "; adapter lora or qlora trains adapters on a frozen base in far less";
    } else if (job.adapter() == JobConfig.Adapter.LORA) {
      what = "lora on a float32 base";
      instead = "; adapter qlora keeps the base in NF4 (about 1/7 of the memory)";
    } else {
      what = "qlora on an NF4 base";
      instead = "; lower sequence_len or micro_batch_size, or pick a smaller model";
    }
    try {
      MemoryBudget.require(e, memoryLimitBytes, what);
    } catch (IllegalArgumentException tooBig) {
      throw new JobConfigException("adapter", tooBig.getMessage() + instead);
    }
  }

  /**
   * The HF module names of the model's linear layers, as the linear factory sees them: 2-D weights
   * but the embedding (a tied head reuses the embedding and is built without the factory).
   */
  static List<String> linearModules(ModelConfig model, Architecture arch) {
    String embed = arch.names().embed() + ".weight";
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, long[]> t : arch.expectedTensors(model).entrySet()) {
      String name = t.getKey();
      if (t.getValue().length == 2 && name.endsWith(".weight") && !name.equals(embed)) {
        names.add(name.substring(0, name.length() - ".weight".length()));
      }
    }
    return names;
  }
}
