package dev.tuneforge.llm.quant;

/**
 * The per-block absmax constants of an NF4 tensor, either plain float32 or double-quantized. Sealed
 * so code that reads them handles both storage forms.
 */
public sealed interface BlockScales permits BlockScales.Plain, DoubleQuantizedScales {

  /** Number of NF4 blocks these scales describe. */
  int blocks();

  /** The absmax of every block as float32, as the dequantizer multiplies by it. */
  float[] absmax();

  /** Bytes these scales occupy (not counting the shared 256-entry code table). */
  long bytes();

  /** Plain float32 absmax, 4 bytes per block of 64 (0.0625 bytes per parameter). */
  record Plain(float[] values) implements BlockScales {
    public Plain {
      values = values.clone();
    }

    @Override
    public int blocks() {
      return values.length;
    }

    @Override
    public float[] absmax() {
      return values.clone();
    }

    @Override
    public long bytes() {
      return 4L * values.length;
    }
  }
}
