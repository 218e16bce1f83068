package dev.tuneforge.dataset.curation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every curation knob; each rule is off or on independently and everything lands in the report.
 * JSON names are snake_case as in the REST API; {@link #validate()} names the field of each error.
 *
 * @param exactDedup drop records whose normalised text was seen before
 * @param nearDedup drop records whose MinHash signature shares an LSH band with a kept record
 * @param nearDedupThreshold Jaccard similarity the LSH bands are tuned for; higher keeps more
 *     near-copies
 * @param minhashPermutations signature length; more is more accurate and proportionally slower
 * @param shingle word or character shingles for near-dedup
 * @param shingleSize n of the n-gram shingles; small n finds more (and looser) near-duplicates
 * @param minTokens drop records with fewer tokens (all turns together); null = no minimum
 * @param maxTokens drop records with more tokens; null = no maximum
 * @param pii off, redact or drop for emails, phones, IPs, cards, secrets
 * @param blocklistWords case-insensitive whole words; a record containing one is dropped
 * @param blocklistPatterns Java regexes; a record in which one is found is dropped
 * @param validationRatio share of records routed to validation by content hash, in [0, 1)
 * @param seed seeds the MinHash permutations and salts the split hash
 * @param sampleSize per rule, how many dropped and changed records the report shows
 * @param tokenizer name of the tokenizer behind the token counts (part of the content hash)
 */
public record CurationOptions(
    @JsonProperty("exact_dedup") boolean exactDedup,
    @JsonProperty("near_dedup") boolean nearDedup,
    @JsonProperty("near_dedup_threshold") double nearDedupThreshold,
    @JsonProperty("minhash_permutations") int minhashPermutations,
    @JsonProperty("shingle") ShingleKind shingle,
    @JsonProperty("shingle_size") int shingleSize,
    @JsonProperty("min_tokens") Integer minTokens,
    @JsonProperty("max_tokens") Integer maxTokens,
    @JsonProperty("pii") PiiAction pii,
    @JsonProperty("blocklist_words") List<String> blocklistWords,
    @JsonProperty("blocklist_patterns") List<String> blocklistPatterns,
    @JsonProperty("validation_ratio") double validationRatio,
    @JsonProperty("seed") long seed,
    @JsonProperty("sample_size") int sampleSize,
    @JsonProperty("tokenizer") String tokenizer) {

  private static final JsonMapper CANONICAL = JsonMapper.builder().build();

  public CurationOptions {
    // Not List.copyOf: a null element must reach validate() and be reported by field, not throw
    // here.
    blocklistWords =
        blocklistWords == null
            ? List.of()
            : Collections.unmodifiableList(new ArrayList<>(blocklistWords));
    blocklistPatterns =
        blocklistPatterns == null
            ? List.of()
            : Collections.unmodifiableList(new ArrayList<>(blocklistPatterns));
  }

  /** Exact dedup and PII redaction on, everything else off; no validation split. */
  public static CurationOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.exactDedup = exactDedup;
    b.nearDedup = nearDedup;
    b.nearDedupThreshold = nearDedupThreshold;
    b.minhashPermutations = minhashPermutations;
    b.shingle = shingle;
    b.shingleSize = shingleSize;
    b.minTokens = minTokens;
    b.maxTokens = maxTokens;
    b.pii = pii;
    b.blocklistWords = blocklistWords;
    b.blocklistPatterns = blocklistPatterns;
    b.validationRatio = validationRatio;
    b.seed = seed;
    b.sampleSize = sampleSize;
    b.tokenizer = tokenizer;
    return b;
  }

  /** Every problem with these values, each naming its JSON field; empty when valid. */
  public List<OptionError> validate() {
    List<OptionError> errors = new ArrayList<>();
    if (!(nearDedupThreshold > 0 && nearDedupThreshold < 1)) {
      errors.add(
          new OptionError(
              "near_dedup_threshold",
              "must be between 0 and 1 (exclusive), was " + nearDedupThreshold));
    }
    if (minhashPermutations < 16 || minhashPermutations > 1024) {
      errors.add(
          new OptionError(
              "minhash_permutations", "must be between 16 and 1024, was " + minhashPermutations));
    }
    if (shingle == null) {
      errors.add(new OptionError("shingle", "must be word or char"));
    }
    if (shingleSize < 1 || shingleSize > 32) {
      errors.add(new OptionError("shingle_size", "must be between 1 and 32, was " + shingleSize));
    }
    if (minTokens != null && minTokens < 0) {
      errors.add(new OptionError("min_tokens", "must not be negative, was " + minTokens));
    }
    if (maxTokens != null && maxTokens < 1) {
      errors.add(new OptionError("max_tokens", "must be at least 1, was " + maxTokens));
    }
    if (minTokens != null && maxTokens != null && minTokens > maxTokens) {
      errors.add(
          new OptionError(
              "max_tokens", "must not be below min_tokens (" + minTokens + "), was " + maxTokens));
    }
    if (pii == null) {
      errors.add(new OptionError("pii", "must be off, redact or drop"));
    }
    for (int i = 0; i < blocklistWords.size(); i++) {
      String word = blocklistWords.get(i);
      if (word == null || word.isBlank()) {
        errors.add(new OptionError("blocklist_words[" + i + "]", "must not be empty"));
      }
    }
    for (int i = 0; i < blocklistPatterns.size(); i++) {
      String pattern = blocklistPatterns.get(i);
      if (pattern == null || pattern.isEmpty()) {
        errors.add(new OptionError("blocklist_patterns[" + i + "]", "must not be empty"));
        continue;
      }
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        errors.add(
            new OptionError(
                "blocklist_patterns[" + i + "]", "is not a valid regex: " + e.getDescription()));
      }
    }
    if (!(validationRatio >= 0 && validationRatio < 1)) {
      errors.add(
          new OptionError(
              "validation_ratio", "must be at least 0 and below 1, was " + validationRatio));
    }
    if (sampleSize < 0 || sampleSize > 1000) {
      errors.add(new OptionError("sample_size", "must be between 0 and 1000, was " + sampleSize));
    }
    return errors;
  }

  public CurationOptions requireValid() {
    List<OptionError> errors = validate();
    if (!errors.isEmpty()) {
      throw new InvalidOptionsException(errors);
    }
    return this;
  }

  /**
   * The options as JSON with keys sorted and the blocklists sorted (their order changes nothing),
   * so equal options always give equal bytes; it is part of the dataset's content hash.
   */
  public String canonicalJson() {
    Map<String, Object> map = new TreeMap<>();
    map.put("exact_dedup", exactDedup);
    map.put("near_dedup", nearDedup);
    map.put("near_dedup_threshold", nearDedupThreshold);
    map.put("minhash_permutations", minhashPermutations);
    map.put("shingle", shingle == null ? null : shingle.name().toLowerCase());
    map.put("shingle_size", shingleSize);
    map.put("min_tokens", minTokens);
    map.put("max_tokens", maxTokens);
    map.put("pii", pii == null ? null : pii.name().toLowerCase());
    map.put("blocklist_words", sortedOrNull(blocklistWords));
    map.put("blocklist_patterns", sortedOrNull(blocklistPatterns));
    map.put("validation_ratio", validationRatio);
    map.put("seed", seed);
    map.put("sample_size", sampleSize);
    map.put("tokenizer", tokenizer);
    try {
      return CANONICAL.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("options are plain values and always serialise", e);
    }
  }

  private static List<String> sortedOrNull(List<String> values) {
    List<String> sorted = new ArrayList<>(values);
    sorted.sort(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
    return sorted;
  }

  /** Fluent construction with the defaults documented on each setter's field. */
  public static final class Builder {
    private boolean exactDedup = true;
    private boolean nearDedup = false;
    private double nearDedupThreshold = 0.8;
    private int minhashPermutations = 128;
    private ShingleKind shingle = ShingleKind.WORD;
    private int shingleSize = 5;
    private Integer minTokens;
    private Integer maxTokens;
    private PiiAction pii = PiiAction.REDACT;
    private List<String> blocklistWords = List.of();
    private List<String> blocklistPatterns = List.of();
    private double validationRatio = 0.0;
    private long seed = 42;
    private int sampleSize = 5;
    private String tokenizer;

    public Builder exactDedup(boolean v) {
      exactDedup = v;
      return this;
    }

    public Builder nearDedup(boolean v) {
      nearDedup = v;
      return this;
    }

    public Builder nearDedupThreshold(double v) {
      nearDedupThreshold = v;
      return this;
    }

    public Builder minhashPermutations(int v) {
      minhashPermutations = v;
      return this;
    }

    public Builder shingle(ShingleKind v) {
      shingle = v;
      return this;
    }

    public Builder shingleSize(int v) {
      shingleSize = v;
      return this;
    }

    public Builder minTokens(Integer v) {
      minTokens = v;
      return this;
    }

    public Builder maxTokens(Integer v) {
      maxTokens = v;
      return this;
    }

    public Builder pii(PiiAction v) {
      pii = v;
      return this;
    }

    public Builder blocklistWords(List<String> v) {
      blocklistWords = v;
      return this;
    }

    public Builder blocklistPatterns(List<String> v) {
      blocklistPatterns = v;
      return this;
    }

    public Builder validationRatio(double v) {
      validationRatio = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder sampleSize(int v) {
      sampleSize = v;
      return this;
    }

    public Builder tokenizer(String v) {
      tokenizer = v;
      return this;
    }

    public CurationOptions build() {
      return new CurationOptions(
          exactDedup,
          nearDedup,
          nearDedupThreshold,
          minhashPermutations,
          shingle,
          shingleSize,
          minTokens,
          maxTokens,
          pii,
          blocklistWords,
          blocklistPatterns,
          validationRatio,
          seed,
          sampleSize,
          tokenizer);
    }
  }
}
