package dev.tuneforge.llm.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** Reads the committed reference fixtures (made by src/test/python/make_train_fixtures.py). */
public final class Fixtures {

  private Fixtures() {}

  public static JsonNode json(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static float[] f32(JsonNode base64) {
    ByteBuffer b =
        ByteBuffer.wrap(Base64.getDecoder().decode(base64.asText())).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  public static byte[] u8(JsonNode base64) {
    return Base64.getDecoder().decode(base64.asText());
  }

  public static float[] floats(JsonNode list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) list.get(i).asDouble();
    }
    return out;
  }

  public static double[] doubles(JsonNode list) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i).asDouble();
    }
    return out;
  }
}
