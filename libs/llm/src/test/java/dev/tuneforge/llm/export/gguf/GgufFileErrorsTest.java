package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged file is refused with the field, key or tensor named, never read as something else. */
class GgufFileErrorsTest {
  // Byte layout of the file made in setUp (little-endian):
  //   0 magic | 4 version | 8 tensor_count | 16 kv_count
  //   24 key "general.alignment" (8 + 17) | 49 type | 53 uint32 32
  //   57 key "a.flag" (8 + 6) | 71 type | 75 bool
  //   76 key "a.flog" (8 + 6) | 90 type | 94 bool
  //   95 key "a.pad" (8 + 5) | 108 type | 112 bool
  //   113 name "w" (8 + 1) | 122 n_dims | 126 dim[0] | 134 type | 138 offset | 146 .. 160 padding |
  // 160 data
  static final int VERSION = 4;
  static final int KV_COUNT = 16;
  static final int ALIGNMENT_VALUE = 53;
  static final int SECOND_KEY = 84;
  static final int FLAG_VALUE = 75;
  static final int TENSOR_TYPE = 134;
  static final int TENSOR_OFFSET = 138;
  static final int PADDING = 150;

  @TempDir Path dir;
  byte[] valid;

  @BeforeEach
  void setUp() throws IOException {
    GgufWriter w = new GgufWriter();
    w.put("a.flag", GgufValue.bool(true));
    w.put("a.flog", GgufValue.bool(false));
    w.put("a.pad", GgufValue.bool(false));
    w.addTensor("w", new long[] {8}, GgmlType.F32, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
    valid = Files.readAllBytes(w.writeTo(dir.resolve("valid.gguf")));
    GgufFile f = GgufFile.read(dir.resolve("valid.gguf"));
    assertEquals(160, f.dataStart(), "layout assumed by this test");
    assertEquals(true, f.get("a.flag").value());
  }

  String error(Consumer<ByteBuffer> damage) throws IOException {
    byte[] copy = valid.clone();
    damage.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
    Path p = dir.resolve("damaged.gguf");
    Files.write(p, copy);
    String message =
        assertThrows(IllegalArgumentException.class, () -> GgufFile.read(p)).getMessage();
    assertTrue(message.startsWith(p.toString()), "names the file: " + message);
    return message;
  }

  void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' in: " + message);
    }
  }

  @Test
  void badMagic() throws IOException {
    assertMentions(error(b -> b.put(0, (byte) 'X')), "magic", "'GGUF'");
  }

  @Test
  void otherVersion() throws IOException {
    assertMentions(error(b -> b.putInt(VERSION, 2)), "version is 2, expected 3");
  }

  @Test
  void impossibleCounts() throws IOException {
    assertMentions(
        error(b -> b.putLong(KV_COUNT, 1L << 40)), "metadata_kv_count=1099511627776", "cannot fit");
  }

  @Test
  void stringLongerThanTheFile() throws IOException {
    assertMentions(
        error(b -> b.putLong(24, 1L << 40)), "metadata key #0", "beyond the end of the file");
  }

  @Test
  void boolThatIsNeitherZeroNorOne() throws IOException {
    assertMentions(error(b -> b.put(FLAG_VALUE, (byte) 2)), "bool a.flag has byte value 2");
  }

  @Test
  void duplicateKey() throws IOException {
    assertMentions(
        error(
            b -> b.put(SECOND_KEY, "a.flag".getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
        "metadata key a.flag appears twice");
  }

  @Test
  void alignmentNotAPowerOfTwo() throws IOException {
    assertMentions(error(b -> b.putInt(ALIGNMENT_VALUE, 24)), "general.alignment 24");
  }

  @Test
  void unknownTensorType() throws IOException {
    assertMentions(error(b -> b.putInt(TENSOR_TYPE, 99)), "tensor w has ggml type 99");
  }

  @Test
  void misalignedTensorOffset() throws IOException {
    assertMentions(error(b -> b.putLong(TENSOR_OFFSET, 8)), "tensor w offset 8", "alignment 32");
  }

  @Test
  void gapBetweenTensors() throws IOException {
    assertMentions(error(b -> b.putLong(TENSOR_OFFSET, 32)), "tensor w has offset 32, expected 0");
  }

  @Test
  void nonZeroPadding() throws IOException {
    assertMentions(
        error(b -> b.put(PADDING, (byte) 1)), "padding before the data section at byte 150");
  }

  @Test
  void truncatedData() throws IOException {
    Path p = dir.resolve("short.gguf");
    Files.write(p, Arrays.copyOf(valid, valid.length - 20));
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> GgufFile.read(p)).getMessage(),
        "truncated");
  }

  @Test
  void truncatedHeader() throws IOException {
    Path p = dir.resolve("short.gguf");
    Files.write(p, Arrays.copyOf(valid, 60));
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> GgufFile.read(p)).getMessage(),
        "file ends at byte 60 inside");
  }
}
