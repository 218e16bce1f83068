package dev.tuneforge.llm.safetensors;

import java.util.Arrays;

/**
 * One entry of a safetensors header.
 *
 * @param name tensor name (HF naming, e.g. {@code model.layers.0.self_attn.q_proj.weight})
 * @param dtype stored element type
 * @param shape dimensions, outermost first
 * @param begin byte offset of the data, relative to the start of the data section
 * @param end exclusive end offset
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && t.name.equals(name)
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape)
        && t.begin == begin
        && t.end == end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + shapeString();
  }
}
