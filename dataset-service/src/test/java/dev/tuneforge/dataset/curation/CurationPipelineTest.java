package dev.tuneforge.dataset.curation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.dataset.curation.report.CurationReport;
import dev.tuneforge.dataset.curation.report.RuleReport;
import dev.tuneforge.dataset.curation.report.Sample;
import dev.tuneforge.dataset.testing.Jsonl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CurationPipelineTest {

  /** One curation run's outputs, decoded. */
  private record Outcome(CurationResult result, byte[] train, byte[] validation) {
    CurationReport report() {
      return result.report();
    }

    List<String> trainLines() {
      return lines(train);
    }

    List<String> validationLines() {
      return lines(validation);
    }

    private static List<String> lines(byte[] bytes) {
      String s = new String(bytes, StandardCharsets.UTF_8);
      return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }
  }

  private static Outcome curate(CurationOptions options, String... lines) throws IOException {
    return curate(options, List.of(new CurationInput("file-train", Jsonl.lines(lines))), List.of());
  }

  private static Outcome curate(
      CurationOptions options, List<CurationInput> train, List<CurationInput> validation)
      throws IOException {
    ByteArrayOutputStream trainOut = new ByteArrayOutputStream();
    ByteArrayOutputStream validationOut = new ByteArrayOutputStream();
    CurationResult result =
        new CurationPipeline(options, new WhitespaceTokenCounter())
            .run(train, validation, trainOut, validationOut);
    return new Outcome(result, trainOut.toByteArray(), validationOut.toByteArray());
  }

  private static CurationOptions.Builder only() {
    // Every rule off, so each test turns on the one it is about.
    return CurationOptions.builder().exactDedup(false).pii(PiiAction.OFF);
  }

  @Test
  void normalisesEveryFormatToChatMessagesWithStableKeyOrder() throws IOException {
    assertEquals(
        List.of("{\"messages\":[{\"role\":\"assistant\",\"content\":\"just text\"}]}"),
        curate(only().build(), "{\"text\":\"just text\"}").trainLines());
    assertEquals(
        List.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}"),
        curate(only().build(), "{\"completion\":\"a\",\"prompt\":\"q\"}").trainLines());
    assertEquals(
        List.of(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\"}]}"),
        curate(
                only().build(),
                "{\"conversations\":[{\"value\":\"s\",\"from\":\"system\"},{\"from\":\"human\",\"value\":\"q\"},"
                    + "{\"from\":\"gpt\",\"value\":\"a\"}]}")
            .trainLines());
    assertEquals(
        List.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Grüße \\\"x\\\"\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\",\"weight\":0}]}"),
        curate(
                only().build(),
                "{\"messages\":[{\"content\":\"Grüße \\\"x\\\"\",\"role\":\"user\"},"
                    + "{\"weight\":0,\"role\":\"assistant\",\"content\":\"a\"}]}")
            .trainLines());
  }

  @Test
  void exactDedupDropsNormalisedCopiesWithSamples() throws IOException {
    Outcome out =
        curate(
            only().exactDedup(true).build(),
            Jsonl.chat("Hello  World", "Hi"),
            Jsonl.chat("hello world", "hi"),
            Jsonl.chat("other", "x"),
            Jsonl.chat("HELLO WORLD", "HI"));
    assertEquals(2, out.trainLines().size());
    RuleReport rule = out.report().rule("exact_dedup");
    assertEquals(2, rule.dropped());
    assertEquals(List.of(2L, 4L), rule.droppedSamples().stream().map(Sample::line).toList());
    assertEquals("file-train", rule.droppedSamples().get(0).fileId());
    assertEquals(2, out.report().dedupState().exactEntries());
  }

  @Test
  void fileOfOnlyDuplicatesKeepsOneRecord() throws IOException {
    String line = Jsonl.chat("same", "same");
    Outcome out = curate(CurationOptions.defaults(), line, line, line, line, line);
    assertEquals(1, out.result().train().records());
    assertEquals(4, out.report().rule("exact_dedup").dropped());
    assertEquals(5, out.report().recordsRead());
  }

  @Test
  void nearDedupDropsEditedCopiesAndKeepsDistinctRecords() throws IOException {
    String base =
        "please explain how the water cycle works in simple terms for a child who is ten years old "
            + "and likes science experiments at home with a parent on the weekend";
    Outcome out =
        curate(
            only().nearDedup(true).nearDedupThreshold(0.7).shingleSize(3).build(),
            Jsonl.chat(base, "It rains, water flows to the sea, the sun lifts it up again."),
            Jsonl.chat(
                base.replace("ten", "eleven"),
                "It rains, water flows to the sea, the sun lifts it up again."),
            Jsonl.chat("write a haiku about autumn leaves", "red leaves drift down slow"));
    assertEquals(2, out.trainLines().size());
    RuleReport rule = out.report().rule("near_dedup");
    assertEquals(1, rule.dropped());
    assertEquals(2, rule.droppedSamples().get(0).line());
    assertTrue(out.report().dedupState().nearBands() > 0);
  }

  @Test
  void lengthFilterUsesTheTokenCounterOverAllTurns() throws IOException {
    Outcome out =
        curate(
            only().minTokens(3).maxTokens(6).build(),
            Jsonl.chat("a", "b"), // 2 tokens
            Jsonl.chat("one two", "three"), // 3
            Jsonl.chat("one two three", "four five six"), // 6
            Jsonl.chat("one two three four", "five six seven")); // 7
    assertEquals(2, out.trainLines().size());
    RuleReport rule = out.report().rule("length");
    assertEquals(2, rule.dropped());
    assertEquals("2 tokens < min_tokens 3", rule.droppedSamples().get(0).reason());
    assertEquals("7 tokens > max_tokens 6", rule.droppedSamples().get(1).reason());
    assertEquals(3, out.report().tokenLengths().minTokens());
    assertEquals(6, out.report().tokenLengths().maxTokens());
  }

  @Test
  void piiRedactChangesRecordsAndReportsThemRedacted() throws IOException {
    Outcome out =
        curate(
            only().pii(PiiAction.REDACT).build(),
            Jsonl.chat("my mail is bob@example.com", "noted"),
            Jsonl.chat("no pii here", "ok"));
    assertTrue(out.trainLines().get(0).contains("my mail is [EMAIL]"), out.trainLines().get(0));
    RuleReport rule = out.report().rule("pii");
    assertEquals(1, rule.changed());
    assertEquals(0, rule.dropped());
    Sample sample = rule.changedSamples().get(0);
    assertEquals(1, sample.line());
    assertFalse(sample.excerpt().contains("bob@"), sample.excerpt());
    assertEquals(1L, out.report().piiFindings().get("email"));
  }

  @Test
  void piiDropRemovesRecords() throws IOException {
    Outcome out =
        curate(
            only().pii(PiiAction.DROP).build(),
            Jsonl.chat("card 4111 1111 1111 1111", "ok"),
            Jsonl.chat("clean", "ok"));
    assertEquals(1, out.trainLines().size());
    assertEquals(1, out.report().rule("pii").dropped());
    assertEquals("credit_card x1", out.report().rule("pii").droppedSamples().get(0).reason());
  }

  @Test
  void redactedCopiesCountAsDuplicates() throws IOException {
    Outcome out =
        curate(
            only().pii(PiiAction.REDACT).exactDedup(true).build(),
            Jsonl.chat("contact a@example.com", "ok"),
            Jsonl.chat("contact b@example.org", "ok"));
    assertEquals(1, out.trainLines().size());
    assertEquals(1, out.report().rule("exact_dedup").dropped());
  }

  @Test
  void blocklistDropsOnWholeWordsAndPatterns() throws IOException {
    Outcome out =
        curate(
            only()
                .blocklistWords(List.of("Forbidden"))
                .blocklistPatterns(List.of("(?i)lorem\\s+ipsum"))
                .build(),
            Jsonl.chat("this is FORBIDDEN.", "ok"),
            Jsonl.chat("unforbiddenness is a fine word", "ok"),
            Jsonl.chat("Lorem   Ipsum dolor", "ok"));
    assertEquals(1, out.trainLines().size());
    RuleReport rule = out.report().rule("blocklist");
    assertEquals(2, rule.dropped());
    assertEquals("matched word \"forbidden\"", rule.droppedSamples().get(0).reason());
    assertTrue(rule.droppedSamples().get(1).reason().contains("lorem"));
  }

  @Test
  void invalidLinesAreSkippedAndReported() throws IOException {
    Outcome out =
        curate(CurationOptions.defaults(), Jsonl.chat("a", "b"), "{broken", Jsonl.chat("c", "d"));
    assertEquals(2, out.trainLines().size());
    assertEquals(1, out.report().invalidLines());
    Sample sample = out.report().rule("invalid").droppedSamples().get(0);
    assertEquals(2, sample.line());
    assertTrue(sample.reason().startsWith("INVALID_JSON"), sample.reason());
  }

  @Test
  void disabledRulesAreReportedAsDisabled() throws IOException {
    CurationReport report = curate(only().build(), Jsonl.chat("a", "b")).report();
    for (String rule : List.of("blocklist", "pii", "length", "exact_dedup", "near_dedup")) {
      assertFalse(report.rule(rule).enabled(), rule);
      assertEquals(0, report.rule(rule).dropped(), rule);
    }
  }

  @Test
  void reportsRoleCountsAndHistogram() throws IOException {
    CurationReport report =
        curate(
                only().build(),
                "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"u\"},"
                    + "{\"role\":\"assistant\",\"content\":\"one two three\"}]}",
                Jsonl.chat("q", "a"))
            .report();
    assertEquals(1L, report.roleCounts().get("system"));
    assertEquals(2L, report.roleCounts().get("user"));
    assertEquals(2L, report.roleCounts().get("assistant"));
    assertEquals(2, report.tokenLengths().records());
    // 2 tokens falls in [2,4), 5 tokens in [4,8)
    assertEquals(1, report.tokenLengths().buckets().get(2).count());
    assertEquals(1, report.tokenLengths().buckets().get(3).count());
  }

  @Test
  void splitIsDeterministicByContentAndNearTheRatio() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      lines.add(Jsonl.chat("question " + i, "answer " + i));
    }
    CurationOptions options = CurationOptions.builder().validationRatio(0.2).build();
    Outcome all = curate(options, lines.toArray(String[]::new));
    long validation = all.result().validation().records();
    assertTrue(validation > 320 && validation < 480, "validation records " + validation);

    // Reversing the input and dropping half of it moves no remaining record between splits.
    List<String> reversedHalf = new ArrayList<>(lines.subList(0, 1000));
    java.util.Collections.reverse(reversedHalf);
    Outcome half = curate(options, reversedHalf.toArray(String[]::new));
    Set<String> validationAll = new HashSet<>(all.validationLines());
    for (String line : half.validationLines()) {
      assertTrue(validationAll.contains(line), line);
    }
    for (String line : half.trainLines()) {
      assertFalse(validationAll.contains(line), line);
    }
  }

  @Test
  void explicitValidationFileGoesToValidationAndIsNotLeakedIntoTrain() throws IOException {
    Outcome out =
        curate(
            CurationOptions.defaults(),
            List.of(
                new CurationInput(
                    "train-file", Jsonl.lines(Jsonl.chat("shared", "x"), Jsonl.chat("t", "y")))),
            List.of(
                new CurationInput(
                    "val-file", Jsonl.lines(Jsonl.chat("shared", "x"), Jsonl.chat("v", "z")))));
    assertEquals(2, out.validationLines().size());
    assertEquals(1, out.trainLines().size());
    Sample dropped = out.report().rule("exact_dedup").droppedSamples().get(0);
    assertEquals("train-file", dropped.fileId());
    assertEquals(1, dropped.line());
  }

  @Test
  void explicitValidationFileWithRatioIsRejectedNamingTheField() {
    InvalidOptionsException e =
        assertThrows(
            InvalidOptionsException.class,
            () ->
                curate(
                    CurationOptions.builder().validationRatio(0.1).build(),
                    List.of(new CurationInput("t", Jsonl.lines(Jsonl.chat("a", "b")))),
                    List.of(new CurationInput("v", Jsonl.lines(Jsonl.chat("c", "d"))))));
    assertEquals("validation_ratio", e.errors().get(0).field());
  }

  @Test
  void invalidOptionsAreRejectedBeforeAnyWork() {
    assertThrows(
        InvalidOptionsException.class,
        () ->
            new CurationPipeline(
                CurationOptions.builder().maxTokens(0).build(), new WhitespaceTokenCounter()));
  }

  @Test
  void sameInputAndOptionsGiveSameBytesAndHashes() throws IOException {
    String[] lines = new String[300];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = Jsonl.chat("q " + (i % 250) + " mail x" + i + "@example.com", "a " + i % 250);
    }
    CurationOptions options =
        CurationOptions.builder().nearDedup(true).validationRatio(0.1).build();
    Outcome first = curate(options, lines);
    Outcome second = curate(options, lines);
    assertArrayEquals(first.train(), second.train());
    assertArrayEquals(first.validation(), second.validation());
    assertEquals(first.result().contentHash(), second.result().contentHash());
    assertEquals(first.report(), second.report());

    Outcome otherSeed = curate(options.toBuilder().seed(43).build(), lines);
    assertNotEquals(first.result().contentHash(), otherSeed.result().contentHash());
  }

  @Test
  void partChecksumsMatchTheBytesWritten() throws Exception {
    Outcome out =
        curate(
            CurationOptions.builder().validationRatio(0.5).build(),
            Jsonl.chat("a", "b"),
            Jsonl.chat("c", "d"),
            Jsonl.chat("e", "f"),
            Jsonl.chat("g", "h"));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    assertEquals(HexFormat.of().formatHex(sha.digest(out.train())), out.result().train().sha256());
    assertEquals(out.train().length, out.result().train().bytes());
    assertEquals(
        HexFormat.of().formatHex(sha.digest(out.validation())), out.result().validation().sha256());
    assertEquals(4, out.result().train().records() + out.result().validation().records());
    String expected =
        HexFormat.of()
            .formatHex(
                sha.digest(
                    (out.result().optionsJson()
                            + "\n"
                            + out.result().train().sha256()
                            + "\n"
                            + out.result().validation().sha256())
                        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, out.result().contentHash());
  }
}
