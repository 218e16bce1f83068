package dev.tuneforge.llm.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tuneforge.llm.model.NativeCopy;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Loads a checkpoint tensor as a float32 {@link NDArray}. Up to {@code chunkBytes} it is one buffer
 * handed to the engine; above (tensors over 2 GiB cannot be one Java buffer) the array is allocated
 * once and filled row block by row block, so native memory peaks at the tensor plus two chunk
 * buffers.
 */
public final class NDArrayReader {
  private NDArrayReader() {}

  /** Reads {@code name} with {@link SafetensorsFile#DEFAULT_CHUNK_BYTES} chunks. */
  public static NDArray read(SafetensorsCheckpoint ckpt, String name, NDManager manager) {
    return read(ckpt, name, manager, SafetensorsFile.DEFAULT_CHUNK_BYTES);
  }

  public static NDArray read(
      SafetensorsCheckpoint ckpt, String name, NDManager manager, long chunkBytes) {
    return read(ckpt, name, manager, chunkBytes, floats -> {});
  }

  /**
   * As {@link #read(SafetensorsCheckpoint, String, NDManager, long)}, handing each float32 buffer
   * (the whole tensor, or one row block) to {@code inspect} before the engine copies it; the
   * inspector must not move the buffer's position.
   */
  public static NDArray read(
      SafetensorsCheckpoint ckpt,
      String name,
      NDManager manager,
      long chunkBytes,
      Consumer<ByteBuffer> inspect) {
    TensorInfo t = ckpt.info(name);
    Shape shape = new Shape(t.shape());
    if (t.numel() * 4 <= chunkBytes || t.shape().length == 0) {
      ByteBuffer data = ckpt.readFloat32(name);
      inspect.accept(data);
      return NativeCopy.of(manager, data, shape, DataType.FLOAT32);
    }
    NDArray full = manager.zeros(shape, DataType.FLOAT32);
    long row = t.numel() / t.shape()[0];
    ckpt.readFloat32(
        name,
        chunkBytes,
        (first, floats) -> {
          long rows = floats.remaining() / 4 / row;
          long r0 = first / row;
          long[] partShape = t.shape().clone();
          partShape[0] = rows;
          inspect.accept(floats);
          try (NDArray part = manager.create(floats, new Shape(partShape), DataType.FLOAT32)) {
            full.set(
                new NDIndex("{}:{}", r0, r0 + rows), part); // (rows, ...) into full[r0:r0+rows]
          }
        });
    return full;
  }
}
