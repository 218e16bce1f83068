package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.quant.Nf4Codebook;
import dev.tuneforge.llm.quant.Nf4DeviceTensor;
import dev.tuneforge.llm.quant.Nf4Tensor;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.NDArrayReader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights and NF4 codes loaded into the engine hold no Java direct memory, so a model is not
 * limited by the JVM's {@code MaxDirectMemorySize} (the heap size by default): a Llama-3.2-3B QLoRA
 * base failed to build in a 1 GiB-heap JVM while its arrays kept their direct buffers.
 */
class NativeCopyTest {

  private static final int TENSORS = 8;
  private static final int FLOATS = 1 << 20; // 4 MiB as float32 each, 0.5 MiB of NF4 codes

  /** Direct memory in use once unreachable buffers are freed (the JVM frees them after a GC). */
  private static long settledDirectBytes() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      System.gc();
      Thread.sleep(25);
      long now =
          ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
              .filter(b -> b.getName().equals("direct"))
              .mapToLong(BufferPoolMXBean::getMemoryUsed)
              .sum();
      if (now >= used) {
        return now; // settled
      }
      used = now;
    }
    return used;
  }

  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (r.nextGaussian() * 0.02);
    }
    return w;
  }

  @Test
  void checkpointTensorsKeepNoDirectBuffers(@TempDir Path dir) throws Exception {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < TENSORS; i++) {
      tensors.put("w" + i, new FloatTensor(new long[] {1024, FLOATS / 1024}, gaussian(FLOATS, i)));
    }
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors, DType.F32);
    List<NDArray> kept = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(new LocalModelSource(dir))) {
      long before = settledDirectBytes();
      for (String name : tensors.keySet()) {
        kept.add(NDArrayReader.read(ckpt, name, manager));
      }
      long held = settledDirectBytes() - before;
      // 32 MiB of live weights; one 4 MiB tensor's worth of slack for buffers not yet collected
      assertTrue(held < 4L * FLOATS, "direct memory held by loaded weights: " + held + " bytes");
      assertArrayEquals(tensors.get("w3").data(), kept.get(3).toFloatArray(), "contents copied");
    }
  }

  @Test
  void nf4CodesKeepNoDirectBuffers() throws Exception {
    List<Nf4DeviceTensor> kept = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(manager)) {
      long before = settledDirectBytes();
      Nf4Tensor last = null;
      for (int i = 0; i < TENSORS; i++) {
        last = Nf4Tensor.quantize(gaussian(FLOATS, i), new long[] {1024, FLOATS / 1024}, true);
        kept.add(last.toDevice(manager, book));
      }
      long held = settledDirectBytes() - before;
      assertTrue(held < FLOATS / 2, "direct memory held by NF4 codes: " + held + " bytes");
      try (NDManager step = manager.newSubManager()) {
        assertArrayEquals(
            last.dequantize(), kept.get(TENSORS - 1).dequantize(step).toFloatArray(), 0f);
      }
      kept.forEach(Nf4DeviceTensor::close);
    }
  }
}
