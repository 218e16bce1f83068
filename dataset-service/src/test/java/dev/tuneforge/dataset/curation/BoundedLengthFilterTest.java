package dev.tuneforge.dataset.curation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.dataset.curation.report.CurationReport;
import dev.tuneforge.dataset.curation.report.TokenCounting;
import dev.tuneforge.dataset.curation.report.TokenHistogram;
import dev.tuneforge.dataset.record.Message;
import dev.tuneforge.dataset.testing.Jsonl;
import dev.tuneforge.dataset.tokens.ByteLevelBpeSpec;
import dev.tuneforge.dataset.tokens.HfTokenCounter;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The length filter deciding from byte-level BPE bounds must give exactly what counting every
 * record gives: the same kept records, splits, drops and report samples, on a dataset built so that
 * every kind of decision (keep, too short, too long by bounds; undecided, so counted) happens many
 * times.
 */
@Tag("native-tokenizer") // own JVM: see dataset-service/pom.xml
class BoundedLengthFilterTest {

  private static final Path BPE_CHATML =
      Path.of("../libs/llm/src/test/resources/tokenizers/bpe-chatml");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Small limits for a small vocabulary (L = 13 bytes): all four verdicts are common. */
  private static final CurationOptions OPTIONS =
      CurationOptions.builder()
          .exactDedup(true)
          .pii(PiiAction.REDACT)
          .minTokens(8)
          .maxTokens(120)
          .validationRatio(0.1)
          .build();

  /** A small target, so that ~1,500 written records thin the sample several times. */
  private static final HistogramSampling SAMPLING = new HistogramSampling(64);

  private static Tokenizer tokenizer;

  @BeforeAll
  static void load() {
    tokenizer = Tokenizer.load(BPE_CHATML);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private record Run(CurationResult result, byte[] train, byte[] validation) {
    CurationReport report() {
      return result.report();
    }
  }

  @Test
  void boundsGiveTheSameDatasetAndReportAsCountingEveryRecord() throws IOException {
    List<String> lines = dataset(3000, 11);
    HfTokenCounter bounded = boundedCounter();
    assertVerdictsAllOccur(lines, bounded.bounds());

    Run exact = curate(lines, new HfTokenCounter(tokenizer));
    Run fast = curate(lines, bounded);

    assertArrayEquals(exact.train(), fast.train(), "train.jsonl differs");
    assertArrayEquals(exact.validation(), fast.validation(), "validation.jsonl differs");
    assertEquals(exact.result().contentHash(), fast.result().contentHash());
    assertEquals(exact.report().rules(), fast.report().rules(), "rule counts or samples differ");
    assertTrue(
        exact.report().rule("length").dropped() > 100, "the filter must drop many records here");

    TokenCounting all = exact.report().tokenCounting();
    long reached = all.counted();
    assertEquals(0, all.notCounted());
    assertEquals(0, all.decidedByBounds());
    assertEquals(reached, all.decidedByCount());
    TokenCounting some = fast.report().tokenCounting();
    assertEquals(reached, some.counted() + some.notCounted(), "every record is counted or not");
    assertEquals(
        reached, some.decidedByBounds() + some.decidedByCount(), "every record is decided once");
    assertEquals(some.counted(), some.decidedByCount() + some.countedForHistogram());
    // Most records straddle a limit here on purpose; the rest are decided by bounds.
    assertTrue(
        some.decidedByBounds() > reached / 5, "decided by bounds: " + some.decidedByBounds());
    assertTrue(
        some.boundsUndecided() > 100, "counted because undecided: " + some.boundsUndecided());
    assertTrue(
        some.countedForHistogram() > 20,
        "counted for the histogram: " + some.countedForHistogram());
    assertTrue(some.bounds().startsWith("byte-level BPE: ceil(bytes/13)"), some.bounds());
  }

  @Test
  void histogramIsExactWhenAllIsCountedAndOtherwiseTheThinnedContentHashSampleCountedExactly()
      throws IOException {
    List<String> lines = dataset(3000, 12);
    Run exact = curate(lines, new HfTokenCounter(tokenizer));
    Run fast = curate(lines, boundedCounter());

    TokenHistogram.Snapshot full = exact.report().tokenLengths();
    assertFalse(full.sampled());
    assertEquals(1, full.sampleEvery());
    assertEquals(exact.report().recordsWritten(), full.records());
    assertEquals(histogram(exact, 0).snapshot(false, 1, full.sampling()), full);

    TokenHistogram.Snapshot sampled = fast.report().tokenLengths();
    assertTrue(sampled.sampled());
    assertEquals(SAMPLING.description(), sampled.sampling());
    long every = sampled.sampleEvery();
    assertTrue(every >= 8 && Long.bitCount(every) == 1, "thinned to 1 in a power of two: " + every);
    int minLevel = Long.numberOfTrailingZeros(every);
    assertEquals(histogram(fast, minLevel).snapshot(true, every, SAMPLING.description()), sampled);
    assertTrue(
        sampled.records() > 32 && sampled.records() <= 128,
        "about target to twice: " + sampled.records());
  }

  @Test
  void aRunWithFewerWrittenRecordsThanTwiceTheTargetHasAnExactHistogram() throws IOException {
    List<String> lines = dataset(200, 13);
    Run fast = curate(lines, boundedCounter());
    assertTrue(fast.report().tokenCounting().decidedByBounds() > 0);
    assertTrue(
        fast.report().recordsWritten() <= 2 * SAMPLING.target(),
        "written " + fast.report().recordsWritten());
    assertFalse(fast.report().tokenLengths().sampled());
    assertEquals(
        histogram(fast, 0).snapshot(false, 1, fast.report().tokenLengths().sampling()),
        fast.report().tokenLengths());
    assertEquals(fast.report().recordsWritten(), fast.report().tokenLengths().records());
  }

  private static HfTokenCounter boundedCounter() {
    return new HfTokenCounter(
        tokenizer, ByteLevelBpeSpec.read(BPE_CHATML.resolve(Tokenizer.TOKENIZER_FILE)));
  }

  private static Run curate(List<String> lines, TokenCounter counter) throws IOException {
    ByteArrayOutputStream train = new ByteArrayOutputStream();
    ByteArrayOutputStream validation = new ByteArrayOutputStream();
    CurationResult result =
        new CurationPipeline(
                OPTIONS,
                counter,
                dev.tuneforge.dataset.validation.ValidationOptions.defaults(),
                SAMPLING)
            .run(
                new CurationInput("file-train", Jsonl.lines(lines.toArray(String[]::new))),
                train,
                validation);
    return new Run(result, train.toByteArray(), validation.toByteArray());
  }

  /**
   * The histogram the report should show, rebuilt from the written records of at least {@code
   * minLevel} (0 = all) by counting them here.
   */
  private static TokenHistogram histogram(Run run, int minLevel) throws IOException {
    TokenHistogram expected = new TokenHistogram();
    for (byte[] part : List.of(run.train(), run.validation())) {
      for (String line : new String(part, StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : JSON.readTree(line).path("messages")) {
          messages.add(Message.of(m.path("role").asText(), m.path("content").asText()));
        }
        if (SAMPLING.level(messages) >= minLevel) {
          int tokens = 0;
          for (Message m : messages) {
            tokens += tokenizer.encode(m.content(), false).length;
          }
          expected.add(tokens);
        }
      }
    }
    return expected;
  }

  /** The dataset exercises every path: each verdict of the bounds at least 100 times. */
  private static void assertVerdictsAllOccur(List<String> lines, TokenBounds bounds)
      throws IOException {
    LengthLimits limits = new LengthLimits(OPTIONS.minTokens(), OPTIONS.maxTokens());
    Map<LengthLimits.Verdict, Integer> seen = new EnumMap<>(LengthLimits.Verdict.class);
    for (String line : lines) {
      TokenRange range = new TokenRange(0, 0);
      for (JsonNode m : JSON.readTree(line).path("messages")) {
        range = range.plus(bounds.range(m.path("content").asText()));
      }
      seen.merge(limits.verdict(range), 1, Integer::sum);
    }
    for (LengthLimits.Verdict verdict : LengthLimits.Verdict.values()) {
      assertTrue(
          seen.getOrDefault(verdict, 0) >= 100,
          verdict + " only " + seen.get(verdict) + " times: " + seen);
    }
  }

  /**
   * Chat records of four sizes (tiny, fitting, straddling a limit, huge), written in words of the
   * tokenizer's training text, multibyte text, emoji and special tokens; ~5% repeat an earlier
   * record and ~3% carry an email address for redaction.
   */
  static List<String> dataset(int records, long seed) {
    String[] pieces = {
      "the",
      " model",
      " token",
      "izer",
      " counts",
      " bytes",
      ",",
      ".",
      "\n",
      "  ",
      "é",
      "日本",
      "😀",
      "👨‍👩‍👧",
      "e\u0301",
      "<|im_start|>",
      "<|endoftext|>",
      "<tool>",
      " 42",
      "\t",
      "ß",
      "Ω",
      "\u0001"
    };
    SplittableRandom r = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      if (i > 10 && r.nextInt(100) < 5) {
        lines.add(lines.get(r.nextInt(lines.size())));
        continue;
      }
      int[] bytesPerRecord = {
        r.nextInt(1, 8), r.nextInt(40, 110), r.nextInt(110, 1500), r.nextInt(1700, 4000)
      };
      int target = bytesPerRecord[r.nextInt(4)];
      int turns = r.nextInt(1, 4);
      ObjectNode record = JSON.createObjectNode();
      ArrayNode messages = record.putArray("messages");
      for (int t = 0; t < turns; t++) {
        StringBuilder text = new StringBuilder(Integer.toString(i));
        while (text.toString().getBytes(StandardCharsets.UTF_8).length < target / turns) {
          text.append(pieces[r.nextInt(pieces.length)]);
        }
        if (t == 0 && r.nextInt(100) < 3) {
          text.append(" mail me at someone").append(i).append("@example.com");
        }
        messages
            .addObject()
            .put("role", t % 2 == 0 ? "user" : "assistant")
            .put("content", text.toString());
      }
      lines.add(record.toString());
    }
    return lines;
  }
}
