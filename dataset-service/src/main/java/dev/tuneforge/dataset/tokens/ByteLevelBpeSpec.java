package dev.tuneforge.dataset.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.dataset.curation.TokenBounds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * Decides from {@code tokenizer.json} whether {@link ByteLevelBpeBounds} hold for a tokenizer, and
 * with which L. It says yes only for what it can verify: a BPE model over the byte-level alphabet
 * (ByteLevel pre-tokeniser without an added prefix space, ByteLevel decoder, no byte fallback, no
 * subword prefix or suffix) and no normaliser, or one that leaves ASCII alone. Anything else —
 * SentencePiece/Metaspace, WordPiece, Unigram, normalisers that replace or strip text,
 * pre-tokenisers that drop characters — gets no bounds, with the reason, and every record is
 * counted.
 */
public final class ByteLevelBpeSpec {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Normalisers that leave ASCII text as it is (Unicode normal forms) or at its length
   * (lowercasing).
   */
  private static final Set<String> ASCII_PRESERVING =
      Set.of("NFC", "NFD", "NFKC", "NFKD", "Lowercase");

  /**
   * Pre-tokenisers that only split; Split and Punctuation also, unless their behaviour is
   * "Removed".
   */
  private static final Set<String> SPLITTING = Set.of("Split", "Digits", "Punctuation");

  private ByteLevelBpeSpec() {}

  /**
   * The bounds for {@code tokenizer.json}, or {@link TokenBounds#none} saying why there are none.
   */
  public static TokenBounds read(Path tokenizerJson) {
    try {
      return of(JSON.readTree(tokenizerJson.toFile()));
    } catch (IOException e) {
      return TokenBounds.none(
          "none: cannot read "
              + tokenizerJson
              + " ("
              + e.getMessage()
              + "); every record is counted");
    }
  }

  /** The bounds for a parsed {@code tokenizer.json}. */
  public static TokenBounds of(JsonNode spec) {
    String problem = problem(spec);
    if (problem != null) {
      return TokenBounds.none("none: " + problem + "; every record is counted");
    }
    JsonNode normalizer = spec.path("normalizer");
    boolean asciiOnly = !normalizer.isNull() && !normalizer.isMissingNode();
    int longest = 1;
    boolean allBytes = true;
    JsonNode vocab = spec.path("model").path("vocab");
    for (Iterator<String> it = vocab.fieldNames(); it.hasNext(); ) {
      longest = Math.max(longest, ByteLevelAlphabet.bytesOf(it.next()));
    }
    for (int b = 0; b < 256; b++) {
      allBytes &= vocab.has(String.valueOf(ByteLevelAlphabet.charOf(b)));
    }
    boolean strips = false;
    for (JsonNode added : spec.path("added_tokens")) {
      // Added tokens are matched in the raw text, so their length is their UTF-8 length.
      longest =
          Math.max(longest, added.path("content").asText().getBytes(StandardCharsets.UTF_8).length);
      strips |= added.path("lstrip").asBoolean(false) || added.path("rstrip").asBoolean(false);
    }
    String noLowerBound = null;
    if (strips) {
      noLowerBound =
          "an added token strips neighbouring whitespace, so it can cover any number of bytes";
    } else if (!allBytes) {
      noLowerBound =
          "not all 256 byte characters are in the vocabulary, so unknown bytes may be dropped or fused";
    }
    return new ByteLevelBpeBounds(longest, noLowerBound, asciiOnly);
  }

  /** Why the bounds are not proven for this tokenizer, or null when they are. */
  private static String problem(JsonNode spec) {
    JsonNode model = spec.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      return "model type is " + model.path("type").asText("missing") + ", not BPE";
    }
    if (!model.path("vocab").isObject()) {
      return "model.vocab is not a {token: id} object";
    }
    if (model.path("byte_fallback").asBoolean(false)) {
      return "model.byte_fallback is on (SentencePiece-style <0x..> tokens)";
    }
    if (!model.path("continuing_subword_prefix").asText("").isEmpty()
        || !model.path("end_of_word_suffix").asText("").isEmpty()) {
      return "model has a subword prefix or suffix, so token strings are not plain bytes";
    }
    String pre = preTokenizerProblem(spec.path("pre_tokenizer"));
    if (pre != null) {
      return pre;
    }
    if (!isOrContains(spec.path("decoder"), "ByteLevel")) {
      return "decoder is not ByteLevel";
    }
    String normalizer = normalizerProblem(spec.path("normalizer"));
    if (normalizer != null) {
      return normalizer;
    }
    for (JsonNode added : spec.path("added_tokens")) {
      if (added.path("content").asText("").isEmpty()) {
        return "an added token has empty content";
      }
    }
    return null;
  }

  private static String preTokenizerProblem(JsonNode pre) {
    boolean byteLevel = false;
    for (JsonNode step : steps(pre)) {
      String type = step.path("type").asText("missing");
      if ("ByteLevel".equals(type)) {
        if (step.path("add_prefix_space").asBoolean(false)) {
          // A space is prepended to every piece between added tokens: more tokens than bytes.
          return "the ByteLevel pre-tokenizer adds a prefix space";
        }
        byteLevel = true;
      } else if (!SPLITTING.contains(type) || "Removed".equals(step.path("behavior").asText(""))) {
        return "pre-tokenizer " + type + " may drop or add characters";
      }
    }
    return byteLevel ? null : "pre-tokenizer is not byte-level";
  }

  private static String normalizerProblem(JsonNode normalizer) {
    if (normalizer.isNull() || normalizer.isMissingNode()) {
      return null;
    }
    for (JsonNode step : steps(normalizer)) {
      String type = step.path("type").asText("missing");
      if (!ASCII_PRESERVING.contains(type)) {
        return "normalizer " + type + " may change the length of any text";
      }
    }
    return null;
  }

  private static boolean isOrContains(JsonNode node, String type) {
    for (JsonNode step : steps(node)) {
      if (type.equals(step.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The steps of a component: its members when it is a Sequence, else itself (none when absent).
   */
  private static Iterable<JsonNode> steps(JsonNode component) {
    if (component.isNull() || component.isMissingNode()) {
      return java.util.List.of();
    }
    if ("Sequence".equals(component.path("type").asText())) {
      JsonNode members =
          component.has("pretokenizers")
              ? component.path("pretokenizers")
              : component.has("normalizers")
                  ? component.path("normalizers")
                  : component.path("decoders");
      return members;
    }
    return java.util.List.of(component);
  }
}
