package dev.tuneforge.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Arrays that outlive their load, made from Java direct buffers, as libtorch-owned copies.
 *
 * <p>DJL's PyTorch engine wraps a direct buffer without copying ({@code from_blob}) and keeps the
 * buffer reachable for the array's life. Direct buffers count against the JVM's {@code
 * -XX:MaxDirectMemorySize} (by default the heap size), so a model kept that way cannot hold more
 * weights than the JVM has heap: a Llama-3.2-3B QLoRA base (1.45 GB of NF4 codes) failed to build
 * in a JVM with a 1 GiB heap with "Cannot reserve … bytes of direct buffer memory". The copy costs
 * one memcpy per tensor at load; the buffer is then garbage, and the JVM frees it when direct
 * memory runs short.
 */
public final class NativeCopy {
  private NativeCopy() {}

  /** A libtorch-owned array with {@code data}'s contents ({@code data} is not kept). */
  public static NDArray of(NDManager manager, ByteBuffer data, Shape shape, DataType type) {
    try (NDArray wrapped = manager.create(data, shape, type)) {
      return wrapped.duplicate();
    }
  }
}
