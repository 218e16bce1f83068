package dev.tuneforge.dataset.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurationOptionsTest {

  @Test
  void defaultsAreValid() {
    assertTrue(CurationOptions.defaults().validate().isEmpty());
  }

  @Test
  void everyInvalidValueIsNamedByItsField() {
    CurationOptions bad =
        CurationOptions.builder()
            .validationRatio(1.0)
            .nearDedupThreshold(0)
            .minhashPermutations(4)
            .shingleSize(0)
            .minTokens(10)
            .maxTokens(5)
            .sampleSize(-1)
            .blocklistWords(Arrays.asList("ok", " "))
            .blocklistPatterns(List.of("fine", "(unclosed"))
            .build();
    List<String> fields = bad.validate().stream().map(OptionError::field).toList();
    assertEquals(
        List.of(
            "near_dedup_threshold",
            "minhash_permutations",
            "shingle_size",
            "max_tokens",
            "blocklist_words[1]",
            "blocklist_patterns[1]",
            "validation_ratio",
            "sample_size"),
        fields);
  }

  @Test
  void requireValidThrowsWithAllErrors() {
    InvalidOptionsException e =
        assertThrows(
            InvalidOptionsException.class,
            () ->
                CurationOptions.builder()
                    .validationRatio(-0.1)
                    .minTokens(-1)
                    .build()
                    .requireValid());
    assertEquals(2, e.errors().size());
    assertTrue(e.getMessage().contains("validation_ratio"), e.getMessage());
  }

  @Test
  void nullBlocklistEntryIsAFieldErrorNotACrash() {
    CurationOptions options =
        CurationOptions.builder().blocklistWords(Arrays.asList("a", null)).build();
    assertEquals("blocklist_words[1]", options.validate().get(0).field());
  }

  @Test
  void canonicalJsonIsSortedAndIgnoresBlocklistOrder() {
    CurationOptions a = CurationOptions.builder().blocklistWords(List.of("b", "a")).build();
    CurationOptions b = CurationOptions.builder().blocklistWords(List.of("a", "b")).build();
    assertEquals(a.canonicalJson(), b.canonicalJson());
    assertTrue(
        a.canonicalJson()
            .startsWith("{\"blocklist_patterns\":[],\"blocklist_words\":[\"a\",\"b\"],"),
        a.canonicalJson());
    assertNotEquals(a.canonicalJson(), a.toBuilder().seed(7).build().canonicalJson());
  }

  @Test
  void readsSnakeCaseJson() throws Exception {
    CurationOptions options =
        JsonMapper.builder()
            .build()
            .readValue(
                "{\"exact_dedup\":true,\"near_dedup\":true,\"near_dedup_threshold\":0.7,\"minhash_permutations\":64,"
                    + "\"shingle\":\"CHAR\",\"shingle_size\":4,\"pii\":\"DROP\",\"validation_ratio\":0.1,"
                    + "\"seed\":1,\"sample_size\":3,\"max_tokens\":100}",
                CurationOptions.class);
    assertEquals(0.7, options.nearDedupThreshold());
    assertEquals(ShingleKind.CHAR, options.shingle());
    assertEquals(PiiAction.DROP, options.pii());
    assertEquals(100, options.maxTokens());
    assertTrue(options.blocklistWords().isEmpty());
    assertTrue(options.validate().isEmpty());
  }
}
