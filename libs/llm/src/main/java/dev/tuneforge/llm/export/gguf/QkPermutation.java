package dev.tuneforge.llm.export.gguf;

/**
 * The row permutation llama.cpp's converter applies to Llama's query and key projections ({@code
 * LlamaModel.permute} in convert_hf_to_gguf.py). HF's Llama rotates the two halves of each head
 * ({@code rotate_half}: dimension i pairs with i + d/2); llama.cpp's llama rotates adjacent pairs
 * (2i, 2i+1). Reordering each head's rows so that old row {@code j·d/2 + i} becomes new row {@code
 * 2i + j} makes the two agree:
 *
 * <pre>
 *   W.reshape(heads, 2, d/2, in).swapaxes(1, 2).reshape(heads·d, in)
 * </pre>
 *
 * For keys {@code heads} is the number of key/value heads. A bias is permuted the same way (one
 * column). For a LoRA update {@code B·A} only {@code B}'s rows move: {@code P(B·A) = (P·B)·A}.
 */
public final class QkPermutation {
  private QkPermutation() {}

  /**
   * @param w row-major {@code [heads·d, cols]}
   * @return the permuted copy
   */
  public static float[] permuteRows(float[] w, int heads, int cols) {
    int rows = w.length / cols;
    if (rows * cols != w.length || rows % heads != 0 || (rows / heads) % 2 != 0) {
      throw new IllegalArgumentException(
          "cannot permute " + rows + " rows over " + heads + " heads");
    }
    int d = rows / heads;
    int half = d / 2;
    float[] out = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int src = h * d + j * half + i;
          int dst = h * d + 2 * i + j;
          System.arraycopy(w, src * cols, out, dst * cols, cols);
        }
      }
    }
    return out;
  }
}
