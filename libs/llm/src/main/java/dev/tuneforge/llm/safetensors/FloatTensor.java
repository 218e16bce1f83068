package dev.tuneforge.llm.safetensors;

import java.util.Arrays;

/**
 * A float32 tensor held in a Java array, row-major; what the writer takes.
 *
 * @param shape dimensions, outermost first
 * @param data {@code prod(shape)} values
 */
public record FloatTensor(long[] shape, float[] data) {
  public FloatTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }
}
