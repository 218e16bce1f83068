package dev.tuneforge.llm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Compares with nf4_bnb_algorithm.json: bitsandbytes itself has no wheel in this machine's
 * wheelhouse, so the fixture runs bitsandbytes' published reference-backend algorithm (restated in
 * PyTorch in src/test/python/make_train_fixtures.py). Everything must match bit for bit.
 */
class BitsandbytesAlgorithmFixtureTest {

  private static final JsonNode FIXTURE = Fixtures.json("nf4_bnb_algorithm.json");

  @Test
  void dynamicMapIsBitIdenticalToThePublishedConstruction() {
    assertArrayEquals(Fixtures.f32(FIXTURE.get("dynamic_map")), DynamicMap8.values());
  }

  @Test
  void packedCodesAndAbsmaxMatchBitForBit() {
    for (JsonNode c : FIXTURE.get("cases")) {
      String name = c.get("name").asText();
      float[] input = Fixtures.f32(c.get("input"));
      Nf4Tensor t = Nf4Tensor.quantize(input, new long[] {input.length}, false);
      assertArrayEquals(Fixtures.u8(c.get("packed")), t.packed(), name);
      assertArrayEquals(Fixtures.f32(c.get("absmax")), t.scales().absmax(), name);
      assertArrayEquals(Fixtures.f32(c.get("dequantized")), t.dequantize(), name);
    }
  }

  @Test
  void doubleQuantizedScalesMatchBitForBit() {
    for (JsonNode c : FIXTURE.get("cases")) {
      String name = c.get("name").asText();
      float[] input = Fixtures.f32(c.get("input"));
      Nf4Tensor t = Nf4Tensor.quantize(input, new long[] {input.length}, true);
      float torchMean = (float) c.get("offset").asDouble();
      // the mean: torch sums in float32 (order depends on its vector width); ours rounds once
      assertEquals(
          torchMean, ((DoubleQuantizedScales) t.scales()).offset(), Math.ulp(torchMean), name);
      // everything after the mean is bit-identical when centred on the same mean
      DoubleQuantizedScales s =
          DoubleQuantizedScales.quantize(
              Nf4Tensor.quantize(input, new long[] {input.length}, false).scales().absmax(),
              torchMean);
      Nf4Tensor same = new Nf4Tensor(t.shape(), t.packed(), s);
      assertArrayEquals(Fixtures.u8(c.get("qabsmax")), s.codes(), name);
      assertArrayEquals(Fixtures.f32(c.get("absmax2")), s.absmax2(), name);
      assertArrayEquals(Fixtures.f32(c.get("dequantized_double")), same.dequantize(), name);
      assertArrayEquals(Fixtures.f32(c.get("dequantized_double")), t.dequantize(), 2e-6f, name);
    }
  }
}
