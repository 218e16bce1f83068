package dev.tuneforge.llm.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.testutil.Bounded;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** adapter_config.json that lies about its types: each field is named in the refusal. */
class AdapterConfigStrictTest {

  @TempDir Path dir;

  private static final String GOOD =
      "\"peft_type\":\"LORA\",\"task_type\":\"CAUSAL_LM\","
          + "\"lora_alpha\":16,\"lora_dropout\":0.05,\"target_modules\":[\"q_proj\",\"v_proj\"]";

  private String refused(String json) throws Exception {
    Path f = Files.writeString(dir.resolve(AdapterConfig.FILE), json);
    Bounded.Cost cost = Bounded.measure(() -> AdapterConfig.read(f));
    IllegalArgumentException e =
        assertInstanceOf(IllegalArgumentException.class, cost.thrown(), json);
    assertTrue(cost.cpuMillis() < 2_000 && cost.peakHeapGrowthMib() < 64, cost.toString());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    return e.getMessage();
  }

  private void assertRefused(String json, String expected) throws Exception {
    String message = refused(json);
    assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
  }

  @Test
  void fieldsOfTheWrongTypeAreNamed() throws Exception {
    assertRefused("{" + GOOD + ",\"r\":8.5}", "field \"r\" must be an integer, found number 8.5");
    assertRefused("{" + GOOD + ",\"r\":\"8\"}", "field \"r\" must be an integer, found string");
    assertRefused("{" + GOOD + ",\"r\":0}", "field \"r\" must be a positive integer");
    assertRefused(
        "{" + GOOD.replace("16", "\"16\"") + ",\"r\":8}",
        "field \"lora_alpha\" must be a finite number");
    assertRefused(
        "{" + GOOD.replace("0.05", "1.5") + ",\"r\":8}",
        "field \"lora_dropout\" must be a number in [0, 1)");
    assertRefused(
        "{" + GOOD + ",\"r\":8,\"use_rslora\":\"yes\"}",
        "field \"use_rslora\" must be true or false");
    assertRefused(
        "{" + GOOD.replace("\"v_proj\"", "7") + ",\"r\":8}",
        "field \"target_modules\" element 1 must be a module name");
    assertRefused(
        "{" + GOOD.replace("\"LORA\"", "[\"LORA\"]") + ",\"r\":8}",
        "field \"peft_type\" must be a string");
  }

  @Test
  void malformedJsonSaysWhereAndDuplicatesAndDepthAreRefused() throws Exception {
    assertRefused("{" + GOOD + ",\"r\":8,}", "is not valid JSON at line 1, column");
    assertRefused("{" + GOOD + ",\"r\":8,\"r\":64}", "Duplicate field 'r'");
    assertRefused("{\"x\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}", "nesting depth");
    assertRefused("[1]", "must be a JSON object, found array");
  }

  @Test
  void aGoodConfigStillReads() throws Exception {
    Path f = Files.writeString(dir.resolve(AdapterConfig.FILE), "{" + GOOD + ",\"r\":8}");
    AdapterConfig c = AdapterConfig.read(f);
    assertEquals(8, c.lora().r());
    assertEquals(16.0, c.lora().alpha());
  }
}
