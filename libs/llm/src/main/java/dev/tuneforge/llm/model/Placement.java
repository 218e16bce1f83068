package dev.tuneforge.llm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where the engine's tensors live and in which type it computes: the one place both are chosen.
 * Every model the engine loads for a job, an adapter or an evaluation is placed on {@link
 * #device()}; every array a forward, a loss or an optimizer step creates lives on a sub-manager of
 * the model's manager and so on the same device. Compute is float32 ({@link #COMPUTE}): checkpoints
 * in bf16/f16 are widened when read.
 *
 * <p>The device is {@code -Dtuneforge.device} or the environment's {@code TUNEFORGE_DEVICE} ({@code
 * cpu}, {@code gpu}, {@code gpu:N}); unset, it is DJL's default (the first GPU when a CUDA build of
 * libtorch is loaded, else the CPU). A GPU needs the CUDA libtorch on the class path in place of
 * {@code pytorch-native-cpu} (README, "GPU"); nothing here has run on a GPU.
 *
 * <p>bf16 compute is not offered: in this DJL build (0.35.1 / libtorch 2.7.1) creating a BF16 array
 * aborts the JVM on the CPU (NOTES.md), so no bf16 path could be tested here, and the engine's
 * float32 assumptions (masks, rotary tables, loss, the fused AdamW kernel) would all have to follow
 * a second type.
 */
public final class Placement {
  /** The type every forward, backward and optimizer step computes in. */
  public static final DataType COMPUTE = DataType.FLOAT32;

  private Placement() {}

  /** The device models are loaded onto (see the class comment for how it is chosen). */
  public static Device device() {
    String chosen = System.getProperty("tuneforge.device", System.getenv("TUNEFORGE_DEVICE"));
    return chosen == null || chosen.isBlank()
        ? Engine.getInstance().defaultDevice()
        : parse(chosen.trim());
  }

  /**
   * {@code cpu}, {@code gpu} or {@code gpu:N}.
   *
   * @throws IllegalArgumentException naming the setting for anything else
   */
  public static Device parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("cpu")) {
      return Device.cpu();
    }
    if (n.equals("gpu") || n.equals("cuda")) {
      return Device.gpu();
    }
    if (n.matches("(gpu|cuda):[0-9]{1,3}")) {
      return Device.gpu(Integer.parseInt(n.substring(n.indexOf(':') + 1)));
    }
    throw new IllegalArgumentException(
        "tuneforge.device / TUNEFORGE_DEVICE must be cpu, gpu or gpu:N, got '" + name + "'");
  }
}
