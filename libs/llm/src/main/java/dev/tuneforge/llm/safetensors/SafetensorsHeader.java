package dev.tuneforge.llm.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.io.StrictJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors header, validated as strictly as the reference implementation ({@code
 * huggingface/safetensors}, {@code Metadata::validate}): the header is at most 100 MB of UTF-8 JSON
 * starting with <code>{</code>; {@code __metadata__} maps strings to strings; every tensor has a
 * known {@code dtype}, a {@code shape} of non-negative integers (not 96.5, not "96") and {@code
 * data_offsets} of two non-negative integers whose difference is exactly numel x itemsize; sorted
 * by offset, the tensors neither overlap nor leave gaps, and together cover the data section to its
 * last byte. Every error names the file, the tensor and the field.
 *
 * @param tensors tensors in header order
 * @param metadata the {@code __metadata__} strings
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

  /** The reference's {@code MAX_HEADER_SIZE}. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  /** Bits per element of every dtype the reference knows (for validating sizes). */
  private static final Map<String, Integer> KNOWN_BITS =
      Map.ofEntries(
          Map.entry("BOOL", 8),
          Map.entry("U8", 8),
          Map.entry("I8", 8),
          Map.entry("F8_E5M2", 8),
          Map.entry("F8_E4M3", 8),
          Map.entry("F8_E8M0", 8),
          Map.entry("I16", 16),
          Map.entry("U16", 16),
          Map.entry("F16", 16),
          Map.entry("BF16", 16),
          Map.entry("I32", 32),
          Map.entry("U32", 32),
          Map.entry("F32", 32),
          Map.entry("F64", 64),
          Map.entry("I64", 64),
          Map.entry("U64", 64),
          Map.entry("F4", 4),
          Map.entry("F6_E2M3", 6),
          Map.entry("F6_E3M2", 6),
          Map.entry("C64", 64));

  /**
   * Parses and validates a header.
   *
   * @param file the file's name for errors
   * @param header the header bytes (after the 8-byte length)
   * @param dataSize bytes after the header
   */
  static SafetensorsHeader parse(String file, byte[] header, long dataSize) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(header))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + ": safetensors header is not valid UTF-8");
    }
    if (!text.startsWith("{")) {
      throw new IllegalArgumentException(file + ": safetensors header does not start with '{'");
    }
    JsonNode root = StrictJson.parse(text, file + ": safetensors header");
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = StrictJson.fields(root, file + ": header");
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        for (Iterator<Map.Entry<String, JsonNode>> m =
                StrictJson.fields(e.getValue(), file + ": \"__metadata__\"");
            m.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = m.next();
          if (!entry.getValue().isTextual()) {
            throw new IllegalArgumentException(
                file
                    + ": \"__metadata__\" entry \""
                    + entry.getKey()
                    + "\" must be a string, found "
                    + StrictJson.describe(entry.getValue()));
          }
          metadata.put(entry.getKey(), entry.getValue().textValue());
        }
      } else {
        tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue()));
      }
    }
    checkLayout(file, tensors, dataSize);
    return new SafetensorsHeader(
        Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
  }

  private static TensorInfo entry(String file, String name, JsonNode node) {
    String where = file + ": tensor \"" + name + "\"";
    StrictJson.fields(node, where);
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new IllegalArgumentException(
          where + " field \"dtype\" must be a string, found " + StrictJson.describe(dtypeNode));
    }
    String dtypeName = dtypeNode.textValue();
    Integer bits = KNOWN_BITS.get(dtypeName);
    if (bits == null) {
      throw new IllegalArgumentException(
          where + " field \"dtype\": unknown dtype \"" + dtypeName + "\"");
    }
    long[] shape = integers(where, "shape", node.get("shape"), -1);
    long[] offsets = integers(where, "data_offsets", node.get("data_offsets"), 2);
    long numel = 1;
    long bytes;
    try {
      for (long d : shape) {
        numel = Math.multiplyExact(numel, d);
      }
      long totalBits = Math.multiplyExact(numel, (long) bits);
      if (totalBits % 8 != 0) {
        throw new IllegalArgumentException(
            where + ": " + numel + " elements of " + dtypeName + " do not fill whole bytes");
      }
      bytes = totalBits / 8;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(where + " field \"shape\": the element count overflows");
    }
    if (offsets[1] < offsets[0]) {
      throw new IllegalArgumentException(
          where + " field \"data_offsets\": end " + offsets[1] + " is before begin " + offsets[0]);
    }
    if (offsets[1] - offsets[0] != bytes) {
      throw new IllegalArgumentException(
          where
              + " field \"data_offsets\": ["
              + offsets[0]
              + ", "
              + offsets[1]
              + "] spans "
              + (offsets[1] - offsets[0])
              + " bytes but shape "
              + java.util.Arrays.toString(shape)
              + " of "
              + dtypeName
              + " needs "
              + bytes);
    }
    DType dtype;
    try {
      dtype = DType.valueOf(dtypeName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + " has unsupported dtype " + dtypeName + " (supported: F32, F16, BF16)");
    }
    return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
  }

  /** A JSON array of non-negative integers ({@code size} elements, or any number if -1). */
  private static long[] integers(String where, String field, JsonNode node, int size) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(
          where
              + " field \""
              + field
              + "\" must be an array of"
              + " non-negative integers, found "
              + StrictJson.describe(node));
    }
    if (size >= 0 && node.size() != size) {
      throw new IllegalArgumentException(
          where + " field \"" + field + "\" must have " + size + " elements, found " + node.size());
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new IllegalArgumentException(
            where
                + " field \""
                + field
                + "\": element "
                + i
                + " is "
                + v
                + ", not a non-negative integer");
      }
      out[i] = v.longValue();
    }
    return out;
  }

  /** Sorted by offset, tensors must tile the data section exactly, like the reference's. */
  private static void checkLayout(String file, Map<String, TensorInfo> tensors, long dataSize) {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.begin() < expected) {
        throw new IllegalArgumentException(
            file
                + ": tensor \""
                + t.name()
                + "\" data_offsets ["
                + t.begin()
                + ", "
                + t.end()
                + "] overlap tensor \""
                + previous.name()
                + "\" (["
                + previous.begin()
                + ", "
                + previous.end()
                + "])");
      }
      if (t.begin() > expected) {
        throw new IllegalArgumentException(
            file
                + ": tensor \""
                + t.name()
                + "\" starts at "
                + t.begin()
                + " but the data before it ends at "
                + expected
                + " (a gap of "
                + (t.begin() - expected)
                + " bytes)");
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataSize) {
      throw new IllegalArgumentException(
          file
              + ": the tensors cover "
              + expected
              + " bytes but"
              + " the data section has "
              + dataSize
              + (expected > dataSize
                  ? " (the file is truncated): " + pastTheEnd(sorted, dataSize)
                  : " (unaccounted bytes at the end)"));
    }
  }

  /** The first tensor whose data runs past a truncated data section, and what it lacks. */
  private static String pastTheEnd(List<TensorInfo> sorted, long dataSize) {
    for (TensorInfo t : sorted) {
      if (t.end() > dataSize) {
        return "tensor \""
            + t.name()
            + "\" data_offsets ["
            + t.begin()
            + ", "
            + t.end()
            + "] lack "
            + (t.end() - Math.max(t.begin(), dataSize))
            + " bytes";
      }
    }
    return "";
  }
}
