package dev.tuneforge.llm.safetensors;

/** Safetensors element types the engine reads and writes; all are widened to float32 on load. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** The safetensors header name of {@code dtype}; other types are named in the error. */
  public static DType fromHeader(String name, String tensor) {
    for (DType d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "tensor " + tensor + " has unsupported dtype " + name + " (supported: F32, F16, BF16)");
  }

  /** The HF {@code torch_dtype} name of this type. */
  public String torchName() {
    return switch (this) {
      case F32 -> "float32";
      case F16 -> "float16";
      case BF16 -> "bfloat16";
    };
  }

  /** Parses a {@code torch_dtype} ("bfloat16", "float16", "float32"). */
  public static DType fromTorchName(String name) {
    return switch (name) {
      case "float32" -> F32;
      case "float16" -> F16;
      case "bfloat16" -> BF16;
      default -> throw new IllegalArgumentException("unsupported dtype " + name);
    };
  }
}
