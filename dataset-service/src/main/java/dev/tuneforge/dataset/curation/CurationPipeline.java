package dev.tuneforge.dataset.curation;

import dev.tuneforge.dataset.curation.dedup.ContentHash;
import dev.tuneforge.dataset.curation.dedup.LongHashSet;
import dev.tuneforge.dataset.curation.dedup.LshBands;
import dev.tuneforge.dataset.curation.dedup.MinHasher;
import dev.tuneforge.dataset.curation.dedup.NearDuplicateIndex;
import dev.tuneforge.dataset.curation.dedup.TextNormaliser;
import dev.tuneforge.dataset.curation.output.ChatJsonlWriter;
import dev.tuneforge.dataset.curation.output.PartInfo;
import dev.tuneforge.dataset.curation.pii.PiiFindings;
import dev.tuneforge.dataset.curation.pii.PiiKind;
import dev.tuneforge.dataset.curation.pii.PiiRedactor;
import dev.tuneforge.dataset.curation.report.CurationReport;
import dev.tuneforge.dataset.curation.report.DedupState;
import dev.tuneforge.dataset.curation.report.RuleStats;
import dev.tuneforge.dataset.curation.report.TokenCounting;
import dev.tuneforge.dataset.curation.report.TokenLengths;
import dev.tuneforge.dataset.record.ChatRecord;
import dev.tuneforge.dataset.record.Message;
import dev.tuneforge.dataset.validation.JsonlRecordReader;
import dev.tuneforge.dataset.validation.ValidationError;
import dev.tuneforge.dataset.validation.ValidationOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Curates JSONL uploads into train and validation JSONL in one streaming pass. Each record flows
 * through the rules in this order, each optional and each counted in the report:
 *
 * <ol>
 *   <li>invalid: lines that are not valid records are skipped (the upload was validated before, but
 *       curation never trusts that);
 *   <li>blocklist: drop on a blocked word or pattern (checked before redaction, so a blocked
 *       address still matches);
 *   <li>pii: redact or drop; later rules see the redacted text, so records differing only in an
 *       email address count as duplicates;
 *   <li>length: drop outside [min_tokens, max_tokens]; before dedup so rejected records cost no
 *       dedup memory. When the token counter offers {@link TokenBounds}, a record whose bounds lie
 *       inside the limits is kept, and one whose bounds lie outside is dropped, without counting;
 *       only records straddling a limit are counted before they are decided. The decisions are
 *       those exact counts would give. The histogram's sample ({@link HistogramSampling}) is
 *       counted on a background thread ({@link BackgroundCounter}), only for written records;
 *   <li>exact_dedup, then near_dedup (the cheap test first);
 *   <li>split by content hash, or everything from the explicit validation inputs to validation.
 * </ol>
 *
 * Explicit validation inputs are read first and share the dedup state, so a training record that
 * repeats a validation record is dropped from train: the evaluation set stays intact and unleaked.
 *
 * <p>Memory: a batch of 512 records waiting for token counts, at most four batches of written
 * records waiting for the histogram's counter, and the dedup tables ({@link DedupState} reports
 * their size). One instance per run; not thread-safe (it runs one helper thread of its own).
 */
public final class CurationPipeline {

  private final CurationOptions options;
  private final TokenCounter tokens;
  private final ValidationOptions validation;
  private final HistogramSampling sampling;

  public CurationPipeline(
      CurationOptions options,
      TokenCounter tokens,
      ValidationOptions validation,
      HistogramSampling sampling) {
    this.options = options.requireValid();
    this.tokens = tokens;
    this.validation = validation;
    this.sampling = sampling;
  }

  public CurationPipeline(
      CurationOptions options, TokenCounter tokens, ValidationOptions validation) {
    this(options, tokens, validation, HistogramSampling.DEFAULT);
  }

  public CurationPipeline(CurationOptions options, TokenCounter tokens) {
    this(options, tokens, ValidationOptions.defaults());
  }

  /**
   * Curates {@code trainInputs} (split by {@code validation_ratio}) and {@code validationInputs}
   * (all to validation; then the ratio must be 0) and writes both splits. The output streams are
   * flushed, not closed.
   */
  public CurationResult run(
      List<CurationInput> trainInputs,
      List<CurationInput> validationInputs,
      OutputStream trainOut,
      OutputStream validationOut)
      throws IOException {
    if (!validationInputs.isEmpty() && options.validationRatio() > 0) {
      throw new InvalidOptionsException(
          List.of(
              new OptionError(
                  "validation_ratio",
                  "must be 0 when a validation file is given, was " + options.validationRatio())));
    }
    try (Run run = new Run(new ChatJsonlWriter(trainOut), new ChatJsonlWriter(validationOut))) {
      for (CurationInput input : validationInputs) {
        run.read(input, true);
      }
      for (CurationInput input : trainInputs) {
        run.read(input, false);
      }
      return run.finish();
    }
  }

  /** Convenience for the common case: one file, split by ratio. */
  public CurationResult run(CurationInput input, OutputStream trainOut, OutputStream validationOut)
      throws IOException {
    return run(List.of(input), List.of(), trainOut, validationOut);
  }

  /**
   * The state of one run: writers, dedup tables, counters and the histogram's background counter.
   */
  private final class Run implements AutoCloseable {
    private final ChatJsonlWriter trainWriter;
    private final ChatJsonlWriter validationWriter;
    private final Blocklist blocklist =
        new Blocklist(options.blocklistWords(), options.blocklistPatterns());
    private final PiiRedactor redactor = options.pii() == PiiAction.OFF ? null : new PiiRedactor();
    private final PiiFindings findings = new PiiFindings();
    private final PiiFindings excerptFindings = new PiiFindings();
    private final long[] piiTotals = new long[PiiKind.values().length];
    private final TextNormaliser normaliser = new TextNormaliser();
    private final ContentHash hash = new ContentHash();
    private final LongHashSet exact = options.exactDedup() ? new LongHashSet(1 << 16) : null;
    private final MinHasher minHasher;
    private final NearDuplicateIndex near;
    private final SplitAssigner splitter =
        new SplitAssigner(options.validationRatio(), options.seed());
    private final TokenLengths histogram =
        new TokenLengths(sampling.target(), sampling.description());
    private final TokenBounds bounds = tokens.bounds();
    private final LengthLimits limits = new LengthLimits(options.minTokens(), options.maxTokens());
    private final BackgroundCounter background = new BackgroundCounter(tokens, histogram);
    private final Map<String, Long> roles = new LinkedHashMap<>();

    private final RuleStats invalid;
    private final RuleStats blocked;
    private final RuleStats pii;
    private final RuleStats length;
    private final RuleStats exactDup;
    private final RuleStats nearDup;
    private long recordsRead;
    private long invalidLines;
    private long trainRecords;
    private long validationRecords;
    private long reachedLength;
    private long counted;
    private long decidedByBounds;
    private long decidedByCount;
    private long boundsUndecided;
    private long countedForHistogram;

    Run(ChatJsonlWriter trainWriter, ChatJsonlWriter validationWriter) {
      this.trainWriter = trainWriter;
      this.validationWriter = validationWriter;
      int n = options.sampleSize();
      invalid = new RuleStats("invalid", true, n);
      blocked = new RuleStats("blocklist", !blocklist.isEmpty(), n);
      pii = new RuleStats("pii", redactor != null, n);
      length =
          new RuleStats("length", options.minTokens() != null || options.maxTokens() != null, n);
      exactDup = new RuleStats("exact_dedup", options.exactDedup(), n);
      nearDup = new RuleStats("near_dedup", options.nearDedup(), n);
      if (options.nearDedup()) {
        minHasher =
            new MinHasher(
                options.minhashPermutations(),
                options.seed(),
                options.shingle(),
                options.shingleSize());
        near =
            new NearDuplicateIndex(
                LshBands.optimal(options.nearDedupThreshold(), options.minhashPermutations()),
                options.seed());
      } else {
        minHasher = null;
        near = null;
      }
      for (String role : List.of(Message.SYSTEM, Message.USER, Message.ASSISTANT)) {
        roles.put(role, 0L);
      }
    }

    void read(CurationInput input, boolean explicitValidation) throws IOException {
      String fileId = input.fileId();
      new JsonlRecordReader(validation)
          .read(
              input.content(),
              new JsonlRecordReader.Visitor() {
                @Override
                public void record(long line, ChatRecord record) throws IOException {
                  accept(fileId, line, record.messages(), explicitValidation);
                }

                @Override
                public void error(ValidationError error) {
                  invalidLines++;
                  invalid.dropped(
                      fileId, error.line(), error.kind() + ": " + error.message(), null);
                }
              });
      flush(); // every record of this input is decided before the next input starts
    }

    /**
     * A record past blocklist and PII, waiting for its token count (when {@code count} is set) or
     * for the records before it to be decided; {@code range} is its bounds. When written without a
     * count, {@code forHistogram} has it counted in the background for the histogram.
     */
    private record Pending(
        String fileId,
        long line,
        List<Message> messages,
        boolean explicitValidation,
        TokenRange range,
        boolean count,
        int level,
        boolean forHistogram) {}

    /** Records whose turns are counted in one call; big enough to feed a parallel tokenizer. */
    private static final int BATCH = 512;

    private final List<Pending> pending = new ArrayList<>(BATCH);

    /**
     * Counts the pending records' tokens in one call, then applies the remaining rules in order.
     */
    private void flush() throws IOException {
      if (pending.isEmpty()) {
        return;
      }
      List<String> texts = new ArrayList<>();
      for (Pending p : pending) {
        if (p.count()) {
          for (Message m : p.messages()) {
            texts.add(m.content());
          }
        }
      }
      int[] counts = texts.isEmpty() ? new int[0] : tokens.countAll(texts);
      int t = 0;
      for (Pending p : pending) {
        int count = -1;
        if (p.count()) {
          count = 0;
          for (int i = 0; i < p.messages().size(); i++) {
            count += counts[t++];
          }
        }
        decide(p, count);
      }
      pending.clear();
    }

    private void accept(
        String fileId, long line, List<Message> messages, boolean explicitValidation)
        throws IOException {
      recordsRead++;
      if (!blocklist.isEmpty()) {
        for (Message m : messages) {
          String hit = blocklist.firstMatch(m.content());
          if (hit != null) {
            blocked.dropped(fileId, line, "matched " + hit, excerpt(messages));
            return;
          }
        }
      }
      if (redactor != null) {
        messages = redact(fileId, line, messages);
        if (messages == null) {
          return;
        }
      }
      pending.add(pending(fileId, line, messages, explicitValidation));
      if (pending.size() == BATCH) {
        flush();
      }
    }

    /**
     * A record's bounds and whether it must be counted before it is decided: when there are no
     * bounds, when the bounds cannot decide the length filter, and for a drop the report will show
     * (so its reason gives the exact count). The histogram's records are counted later, in the
     * background, and only if written.
     */
    private Pending pending(
        String fileId, long line, List<Message> messages, boolean explicitValidation) {
      int level = sampling.level(messages);
      if (!bounds.available()) {
        return new Pending(
            fileId, line, messages, explicitValidation, TokenRange.UNKNOWN, true, level, false);
      }
      TokenRange range = new TokenRange(0, 0);
      for (Message m : messages) {
        range = range.plus(bounds.range(m.content()));
      }
      LengthLimits.Verdict verdict = limits.verdict(range);
      boolean count =
          verdict == LengthLimits.Verdict.UNDECIDED
              || verdict != LengthLimits.Verdict.KEEP && length.wantsDroppedSample();
      if (verdict == LengthLimits.Verdict.UNDECIDED) {
        boundsUndecided++;
      }
      // The sample may thin before this record is written; then it is counted for nothing.
      boolean forHistogram = histogram.wanted(level);
      return new Pending(
          fileId, line, messages, explicitValidation, range, count, level, forHistogram);
    }

    /**
     * Length filter, dedup and split for one record; {@code count} is -1 when it was not counted.
     */
    private void decide(Pending p, int count) throws IOException {
      String fileId = p.fileId();
      long line = p.line();
      List<Message> messages = p.messages();
      reachedLength++;
      if (count >= 0) {
        counted++;
        if (limits.enabled()) {
          decidedByCount++;
        }
        String tooShortOrLong = limits.reasonToDrop(count);
        if (tooShortOrLong != null) {
          length.dropped(fileId, line, tooShortOrLong, excerpt(messages));
          return;
        }
      } else {
        if (limits.enabled()) {
          decidedByBounds++;
          String outside = limits.reasonToDrop(p.range());
          if (outside != null) {
            length.dropped(fileId, line, outside, excerpt(messages));
            return;
          }
        }
      }
      String key = normaliser.key(messages);
      hash.update(key);
      if (exact != null && !exact.add(hash.dedup())) {
        exactDup.dropped(
            fileId, line, "same normalised text as an earlier record", excerpt(messages));
        return;
      }
      if (near != null && !near.addIfNew(minHasher.signature(key))) {
        nearDup.dropped(
            fileId,
            line,
            "shares an LSH band with an earlier record (Jaccard near or above "
                + options.nearDedupThreshold()
                + ")",
            excerpt(messages));
        return;
      }
      if (p.explicitValidation() || splitter.isValidation(hash.split())) {
        validationWriter.write(messages);
        validationRecords++;
      } else {
        trainWriter.write(messages);
        trainRecords++;
      }
      if (count < 0 && p.forHistogram()) {
        countedForHistogram++;
        background.add(messages, p.level());
      } else {
        histogram.written(count, p.level());
      }
      for (Message m : messages) {
        roles.merge(m.role(), 1L, Long::sum);
      }
    }

    /** The redacted turns, or null when the record was dropped for PII. */
    private List<Message> redact(String fileId, long line, List<Message> messages) {
      findings.reset();
      List<Message> out = messages;
      for (int i = 0; i < messages.size(); i++) {
        Message m = messages.get(i);
        String redacted = redactor.redact(m.content(), findings);
        if (redacted != m.content()) {
          if (out == messages) {
            out = new ArrayList<>(messages);
          }
          out.set(i, m.withContent(redacted));
        }
      }
      if (!findings.any()) {
        return messages;
      }
      for (PiiKind kind : PiiKind.values()) {
        piiTotals[kind.ordinal()] += findings.count(kind);
      }
      if (options.pii() == PiiAction.DROP) {
        pii.dropped(fileId, line, findings.describe(), render(out));
        return null;
      }
      pii.changed(fileId, line, findings.describe(), render(out));
      return out;
    }

    /**
     * A sample excerpt, redacted when PII handling is on so the report never shows what curation
     * hides.
     */
    private String excerpt(List<Message> messages) {
      String text = render(messages);
      return redactor == null ? text : redactor.redact(text, excerptFindings);
    }

    private TokenCounting tokenCounting() {
      long tokenized = counted + countedForHistogram;
      return new TokenCounting(
          bounds.description(),
          decidedByBounds,
          decidedByCount,
          boundsUndecided,
          countedForHistogram,
          tokenized,
          reachedLength - tokenized);
    }

    @Override
    public void close() {
      background.close();
    }

    CurationResult finish() throws IOException {
      background.finish(); // the histogram is complete only after this
      PartInfo train = trainWriter.finish();
      PartInfo valid = validationWriter.finish();
      Map<String, Long> piiByKind = new LinkedHashMap<>();
      for (PiiKind kind : PiiKind.values()) {
        piiByKind.put(kind.name().toLowerCase(), piiTotals[kind.ordinal()]);
      }
      long exactBytes = exact == null ? 0 : exact.memoryBytes();
      long nearBytes = near == null ? 0 : near.memoryBytes();
      DedupState state =
          new DedupState(
              exact == null ? 0 : exact.size(),
              exactBytes,
              near == null ? 0 : near.bands().bands(),
              near == null ? 0 : near.bands().rows(),
              nearBytes,
              recordsRead == 0 ? 0 : (double) (exactBytes + nearBytes) / recordsRead);
      CurationReport report =
          new CurationReport(
              recordsRead,
              invalidLines,
              trainRecords + validationRecords,
              trainRecords,
              validationRecords,
              List.of(
                  invalid.report(),
                  blocked.report(),
                  pii.report(),
                  length.report(),
                  exactDup.report(),
                  nearDup.report()),
              piiByKind,
              histogram.snapshot(),
              tokenCounting(),
              Map.copyOf(roles),
              state);
      String optionsJson = options.canonicalJson();
      return new CurationResult(
          report, train, valid, optionsJson, contentHash(optionsJson, train, valid));
    }
  }

  static String render(List<Message> messages) {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      if (sb.length() > 0) {
        sb.append(" | ");
      }
      sb.append(m.role()).append(": ").append(m.content(), 0, Math.min(m.content().length(), 200));
      if (sb.length() > 400) {
        break;
      }
    }
    return sb.toString();
  }

  static String contentHash(String optionsJson, PartInfo train, PartInfo validation) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(optionsJson.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(train.sha256().getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) '\n');
      sha.update(validation.sha256().getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM ships SHA-256", e);
    }
  }
}
