package dev.tuneforge.llm.quant;

import ai.djl.ndarray.NDArray;
import dev.tuneforge.llm.model.Linear;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LinearLayer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Builds the frozen base of a QLoRA model: an {@link Nf4Linear} for every projection of the decoder
 * layers (q/k/v/o, gate/up/down) and a float {@link Linear} for the output head, as
 * bitsandbytes/PEFT QLoRA does (embeddings and norms never pass through a linear factory and stay
 * float too). Wrap it in a LoRA factory to put adapters on top. The shared NF4 tables are created
 * on the manager of the first quantized weight, the model's.
 */
public final class Nf4LinearFactory implements LinearFactory {

  /** The output head's module name (left in float, as bitsandbytes skips it). */
  private static final String LM_HEAD = "lm_head";

  private final List<Nf4Linear> layers = new ArrayList<>();
  private Nf4Codebook codebook;

  /** Whether QLoRA quantizes the linear layer {@code moduleName}: every one but the output head. */
  public static boolean quantizes(String moduleName) {
    return !moduleName.equals(LM_HEAD) && !moduleName.endsWith("." + LM_HEAD);
  }

  @Override
  public LinearLayer create(String moduleName, NDArray weight, NDArray bias) {
    if (!quantizes(moduleName)) {
      return new Linear(moduleName, weight, bias);
    }
    if (codebook == null) {
      codebook = new Nf4Codebook(weight.getManager());
    }
    Nf4Linear layer = Nf4Linear.quantize(moduleName, weight, bias, codebook);
    layers.add(layer);
    return layer;
  }

  /** NF4: half a byte per weight plus one byte per 64-weight block (double-quantized absmax). */
  @Override
  public long residentBytes(String moduleName, long[] shape) {
    if (!quantizes(moduleName)) {
      return LinearFactory.super.residentBytes(moduleName, shape);
    }
    long n = Math.multiplyExact(shape[0], shape[1]);
    return n / 2 + n / Nf4.BLOCK_SIZE + 1;
  }

  /** The NF4 layers built so far, in build order. */
  public List<Nf4Linear> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** Quantized base parameters. */
  public long parameters() {
    return layers.stream().mapToLong(l -> l.quantized().size()).sum();
  }

  /**
   * Bytes the quantized weights hold on the device (codes and absmax constants; biases and tables
   * excluded).
   */
  public long residentBytes() {
    return layers.stream().mapToLong(l -> l.quantized().residentBytes()).sum();
  }

  public double bytesPerParameter() {
    return (double) residentBytes() / parameters();
  }

  /** One line for logs: how much of the base is NF4 and what it costs. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "base quantized to NF4 (blocks of %d, double-quantized absmax in groups of %d): %d linear layers, "
            + "%.1f M parameters in %.2f MiB (%.3f bytes/param; float32 would be %.2f MiB); "
            + "embeddings, norms and lm_head stay float32",
        Nf4.BLOCK_SIZE,
        DoubleQuantizedScales.GROUP_SIZE,
        layers.size(),
        parameters() / 1e6,
        residentBytes() / 1048576.0,
        bytesPerParameter(),
        parameters() * 4 / 1048576.0);
  }
}
