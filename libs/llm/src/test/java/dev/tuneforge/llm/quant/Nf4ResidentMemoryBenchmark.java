package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures the process's resident memory (RSS from /proc/self/statm) added by putting base weights
 * on the device as NF4 (double-quantized) versus float32. Run with {@code mvn -B -pl libs/llm -am
 * test -Dtests.excluded=none -Dgroups=benchmark -Dtest=Nf4ResidentMemoryBenchmark}.
 */
@Tag("benchmark")
class Nf4ResidentMemoryBenchmark {

  private static final int ROWS = 2048;
  private static final int COLS = 2048;
  private static final int TENSORS = 8; // 33.5 M parameters

  @Test
  void residentBytesPerParameter() throws IOException {
    long params = (long) ROWS * COLS * TENSORS;
    float[] w = new float[ROWS * COLS];
    Random rnd = new Random(1);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.02);
    }
    List<Nf4Tensor> host = new ArrayList<>();
    for (int k = 0; k < TENSORS; k++) {
      host.add(Nf4Tensor.quantize(w, new long[] {ROWS, COLS}, true));
    }
    try (NDManager m = NDManager.newBaseManager();
        Nf4Codebook book = new Nf4Codebook(m)) {
      m.create(new float[] {1f}).close(); // libtorch initialised before the baseline
      long before = rss();
      List<Nf4DeviceTensor> nf4 = new ArrayList<>();
      for (Nf4Tensor t : host) {
        nf4.add(t.toDevice(m, book));
      }
      long afterNf4 = rss();
      List<NDArray> f32 = new ArrayList<>();
      for (int k = 0; k < TENSORS; k++) {
        f32.add(m.create(w, new Shape(ROWS, COLS)));
      }
      long afterF32 = rss();
      double nf4PerParam = (double) (afterNf4 - before) / params;
      double f32PerParam = (double) (afterF32 - afterNf4) / params;
      System.out.printf(
          "NF4 resident (RSS delta): %.4f bytes/param; accounted %.4f; float32 RSS delta %.4f bytes/param; "
              + "%d params%n",
          nf4PerParam, nf4.get(0).bytesPerParameter(), f32PerParam, params);
      assertTrue(nf4PerParam <= 0.6, "NF4 resident " + nf4PerParam + " bytes/param");
      assertTrue(
          f32PerParam > 3.5,
          "float32 baseline resident, sanity check of the method: " + f32PerParam);
      nf4.forEach(Nf4DeviceTensor::close);
      f32.forEach(NDArray::close);
    }
  }

  private static long rss() throws IOException {
    String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
    return Long.parseLong(statm[1]) * 4096L;
  }
}
