package dev.tuneforge.llm.export.gguf;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an exported model's matrices are stored as, with the {@code general.file_type} value
 * llama.cpp gives it ({@code llama_ftype}). Norms, biases and other vectors stay float32 in every
 * case, as llama.cpp's converter keeps them.
 */
public enum GgufType {
  F32(GgmlType.F32, 0),
  F16(GgmlType.F16, 1),
  Q8_0(GgmlType.Q8_0, 7),
  Q4_0(GgmlType.Q4_0, 2);

  private final GgmlType matrices;
  private final int fileType;

  GgufType(GgmlType matrices, int fileType) {
    this.matrices = matrices;
    this.fileType = fileType;
  }

  /** Storage type of weight matrices (before the per-tensor exceptions). */
  public GgmlType matrices() {
    return matrices;
  }

  /** {@code general.file_type}: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q8_0 = 7. */
  public int fileType() {
    return fileType;
  }

  /** The lower-case name used on the command line and in the registry ({@code q8_0}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code f32}, {@code f16}, {@code q8_0}, {@code q4_0} (any case). */
  public static GgufType parse(String s) {
    for (GgufType t : values()) {
      if (t.wireName().equalsIgnoreCase(s == null ? "" : s.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "type: unsupported GGUF type '"
            + s
            + "' (supported: "
            + Arrays.stream(values()).map(GgufType::wireName).collect(Collectors.joining(", "))
            + ")");
  }
}
