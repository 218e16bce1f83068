package dev.tuneforge.registry.exports;

import dev.tuneforge.llm.export.gguf.GgufType;
import java.util.Optional;

/**
 * What an export produces and its stable id (the same request always names the same export, which
 * makes exports idempotent): {@code peft} (the adapter as trained), {@code merged} (HF folder),
 * {@code gguf-<type>} (f32, f16, q8_0, q4_0), {@code gguf-lora}.
 */
public record ExportFormat(String format, GgufType type) {

  public static final String PEFT = "peft";
  public static final String MERGED = "merged";
  public static final String GGUF = "gguf";
  public static final String GGUF_LORA = "gguf-lora";

  public String id() {
    return format.equals(GGUF) ? GGUF + "-" + type.wireName() : format;
  }

  /** The format a request names, or the reason it is not one (naming the field). */
  public static Result parse(String format, String type) {
    if (format == null) {
      return Result.error("format", "format is required: peft, merged, gguf or gguf-lora");
    }
    switch (format) {
      case PEFT, MERGED, GGUF_LORA -> {
        if (type != null) {
          return Result.error("type", "type applies to format gguf only, not " + format);
        }
        return Result.ok(new ExportFormat(format, null));
      }
      case GGUF -> {
        try {
          return Result.ok(new ExportFormat(GGUF, GgufType.parse(type == null ? "f16" : type)));
        } catch (IllegalArgumentException e) {
          return Result.error("type", e.getMessage());
        }
      }
      default -> {
        return Result.error(
            "format", "format must be peft, merged, gguf or gguf-lora, was '" + format + "'");
      }
    }
  }

  /** An id back to its format ({@code gguf-q8_0} → gguf q8_0). */
  public static Optional<ExportFormat> ofId(String id) {
    if (id.startsWith(GGUF + "-") && !id.equals(GGUF_LORA)) {
      Result r = parse(GGUF, id.substring(GGUF.length() + 1));
      return Optional.ofNullable(r.format());
    }
    Result r = parse(id, null);
    return Optional.ofNullable(r.format());
  }

  /** A parsed format, or the field and message of why not. */
  public record Result(ExportFormat format, String param, String message) {
    static Result ok(ExportFormat f) {
      return new Result(f, null, null);
    }

    static Result error(String param, String message) {
      return new Result(null, param, message);
    }
  }
}
