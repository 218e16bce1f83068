package dev.tuneforge.dataset.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.dataset.record.DatasetFormat;
import dev.tuneforge.dataset.testing.GeneratedInputStream;
import dev.tuneforge.dataset.testing.Jsonl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonlValidatorTest {

  private static final String CHAT = Jsonl.chat("hi", "hello");

  private final JsonlValidator validator = new JsonlValidator();

  private ValidationResult validate(String... lines) throws IOException {
    return validator.validate(Jsonl.lines(lines));
  }

  /** The single error of a result, asserting there is exactly one. */
  private static ValidationError onlyError(ValidationResult result) {
    assertEquals(1, result.errorCount(), () -> "errors: " + result.firstErrors());
    return result.firstErrors().get(0);
  }

  @Test
  void detectsEachFormat() throws IOException {
    assertEquals(DatasetFormat.TEXT, validate("{\"text\":\"a\"}").format());
    assertEquals(
        DatasetFormat.PROMPT_COMPLETION,
        validate("{\"prompt\":\"a\",\"completion\":\"b\"}").format());
    assertEquals(DatasetFormat.MESSAGES, validate(CHAT).format());
    assertEquals(
        DatasetFormat.SHAREGPT,
        validate(
                "{\"conversations\":[{\"from\":\"human\",\"value\":\"a\"},{\"from\":\"gpt\",\"value\":\"b\"}]}")
            .format());
  }

  @Test
  void validFileIsOkWithCounts() throws IOException {
    ValidationResult result = validate(CHAT, CHAT, "", CHAT);
    assertTrue(result.ok());
    assertEquals(3, result.validRecords());
    assertEquals(1, result.blankLines());
    assertEquals(4, result.lines());
    assertTrue(result.errorCounts().isEmpty());
  }

  @Test
  void brokenJsonNamesTheLine() throws IOException {
    ValidationResult result = validate(CHAT, "{\"messages\": [", CHAT);
    ValidationError error = onlyError(result);
    assertEquals(2, error.line());
    assertEquals(ErrorKind.INVALID_JSON, error.kind());
    assertEquals(2, result.validRecords());
    assertFalse(result.ok());
  }

  @Test
  void twoObjectsOnOneLineAreInvalidJson() throws IOException {
    assertEquals(ErrorKind.INVALID_JSON, onlyError(validate(CHAT + " " + CHAT)).kind());
  }

  @Test
  void duplicateKeysAreInvalidJson() throws IOException {
    assertEquals(
        ErrorKind.INVALID_JSON, onlyError(validate("{\"text\":\"a\",\"text\":\"b\"}")).kind());
  }

  @Test
  void invalidUtf8IsReportedWithItsLineNotReplaced() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write((CHAT + "\n").getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"text\":\"caf".getBytes(StandardCharsets.UTF_8));
    bytes.write(
        new byte[] {(byte) 0xC3, (byte) 0x28}); // 0xC3 must be followed by a continuation byte
    bytes.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    ValidationError error = onlyError(validator.validate(Jsonl.bytes(bytes.toByteArray())));
    assertEquals(2, error.line());
    assertEquals(ErrorKind.INVALID_UTF8, error.kind());
    assertTrue(error.message().contains("byte offset 12"), error.message());
  }

  @Test
  void overlongUtf8EncodingIsInvalid() throws IOException {
    byte[] line = {
      '{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}', '\n'
    };
    assertEquals(ErrorKind.INVALID_UTF8, onlyError(validator.validate(Jsonl.bytes(line))).kind());
  }

  @Test
  void validMultiByteUtf8IsAccepted() throws IOException {
    assertTrue(validate("{\"text\":\"Grüße, 日本語, 🙂\"}").ok());
  }

  @Test
  void hundredMegabyteLineIsSkippedAndTheNextLineStillValidated() throws IOException {
    byte[] prefix = "{\"text\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = ("\"}\n" + CHAT + "\n").getBytes(StandardCharsets.UTF_8);
    InputStream in = new GeneratedInputStream(prefix, 100L * 1024 * 1024, (byte) 'a', suffix);
    ValidationResult result = validator.validate(in);
    ValidationError error = onlyError(result);
    assertEquals(1, error.line());
    assertEquals(ErrorKind.LINE_TOO_LONG, error.kind());
    assertTrue(error.message().contains("4194304"), error.message());
    assertEquals(1, result.validRecords());
    assertEquals(DatasetFormat.MESSAGES, result.format());
  }

  @Test
  void lineLimitIsConfigurable() throws IOException {
    JsonlValidator small = new JsonlValidator(new ValidationOptions(32, 10));
    ValidationResult result =
        small.validate(
            Jsonl.lines("{\"text\":\"short\"}", "{\"text\":\"" + "x".repeat(40) + "\"}"));
    assertEquals(ErrorKind.LINE_TOO_LONG, onlyError(result).kind());
    assertEquals(2, onlyError(result).line());
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    ValidationResult result = validator.validate(Jsonl.bytes(new byte[0]));
    ValidationError error = onlyError(result);
    assertEquals(ErrorKind.EMPTY_FILE, error.kind());
    assertEquals(0, error.line());
    assertNull(result.format());
    assertFalse(result.ok());
  }

  @Test
  void fileOfBlankLinesIsEmpty() throws IOException {
    assertEquals(ErrorKind.EMPTY_FILE, onlyError(validate("", "   ", "")).kind());
  }

  @Test
  void binaryFileIsReportedAsBinary() throws IOException {
    byte[] png = {
      (byte) 0x89,
      'P',
      'N',
      'G',
      '\r',
      '\n',
      0x1A,
      '\n',
      0,
      0,
      0,
      0x0D,
      'I',
      'H',
      'D',
      'R',
      0,
      0,
      1,
      0
    };
    ValidationResult result = validator.validate(Jsonl.bytes(png));
    ValidationError error = onlyError(result);
    assertEquals(ErrorKind.BINARY_CONTENT, error.kind());
    assertEquals(1, error.line());
    assertEquals(0, result.validRecords());
  }

  @Test
  void nulBytesLaterInATextFileFailOnlyTheirLine() throws IOException {
    byte[] head =
        (CHAT + "\n").repeat(400).getBytes(StandardCharsets.UTF_8); // past the 8 KiB sniff
    byte[] bad = {'{', 0, '}', '\n'};
    byte[] all = new byte[head.length + bad.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    ValidationResult result = validator.validate(Jsonl.bytes(all));
    ValidationError error = onlyError(result);
    assertEquals(ErrorKind.BINARY_CONTENT, error.kind());
    assertEquals(401, error.line());
    assertEquals(400, result.validRecords());
  }

  @Test
  void binaryWithoutNewlinesLongerThanLimitIsStillBinary() throws IOException {
    InputStream in =
        new GeneratedInputStream(
            new byte[] {0x7F, 'E', 'L', 'F'}, 5L * 1024 * 1024, (byte) 0, new byte[0]);
    assertEquals(ErrorKind.BINARY_CONTENT, onlyError(validator.validate(in)).kind());
  }

  @Test
  void unknownFormatNamesTheKeys() throws IOException {
    ValidationError error = onlyError(validate("{\"question\":\"a\",\"answer\":\"b\"}"));
    assertEquals(ErrorKind.UNKNOWN_FORMAT, error.kind());
    assertTrue(error.message().contains("question"), error.message());
  }

  @Test
  void mixedFormatsAreAnErrorOnTheOddLine() throws IOException {
    ValidationResult result = validate(CHAT, "{\"text\":\"a\"}", CHAT);
    ValidationError error = onlyError(result);
    assertEquals(ErrorKind.MIXED_FORMAT, error.kind());
    assertEquals(2, error.line());
    assertTrue(error.message().contains("line 1"), error.message());
    assertEquals(DatasetFormat.MESSAGES, result.format());
  }

  @Test
  void formatIsFixedByTheFirstValidRecordNotTheFirstLine() throws IOException {
    ValidationResult result = validate("{\"text\":\"\"}", CHAT, CHAT);
    assertEquals(ErrorKind.EMPTY_CONTENT, onlyError(result).kind());
    assertEquals(DatasetFormat.MESSAGES, result.format());
  }

  @Test
  void truncatedLastLineHasItsOwnKind() throws IOException {
    byte[] bytes = (CHAT + "\n" + CHAT.substring(0, 30)).getBytes(StandardCharsets.UTF_8);
    ValidationError error = onlyError(validator.validate(Jsonl.bytes(bytes)));
    assertEquals(ErrorKind.TRUNCATED_LINE, error.kind());
    assertEquals(2, error.line());
    assertTrue(error.message().contains("truncated"), error.message());
  }

  @Test
  void completeLastLineWithoutNewlineIsFine() throws IOException {
    ValidationResult result =
        validator.validate(Jsonl.bytes((CHAT + "\n" + CHAT).getBytes(StandardCharsets.UTF_8)));
    assertTrue(result.ok());
    assertEquals(2, result.validRecords());
  }

  @Test
  void unknownRoleNamesFieldAndRole() throws IOException {
    ValidationError error =
        onlyError(
            validate(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"tool\",\"content\":\"b\"},{\"role\":\"assistant\",\"content\":\"c\"}]}"));
    assertEquals(ErrorKind.UNKNOWN_ROLE, error.kind());
    assertTrue(error.message().contains("messages[1].role \"tool\""), error.message());
  }

  @Test
  void unknownShareGptSpeaker() throws IOException {
    ValidationError error =
        onlyError(validate("{\"conversations\":[{\"from\":\"bot\",\"value\":\"a\"}]}"));
    assertEquals(ErrorKind.UNKNOWN_ROLE, error.kind());
    assertTrue(error.message().contains("conversations[0].from"), error.message());
  }

  @Test
  void emptyOrBlankContentIsAnError() throws IOException {
    assertEquals(ErrorKind.EMPTY_CONTENT, onlyError(validate(Jsonl.chat("hi", "  "))).kind());
    assertEquals(ErrorKind.EMPTY_CONTENT, onlyError(validate("{\"messages\":[]}")).kind());
    assertEquals(
        ErrorKind.EMPTY_CONTENT,
        onlyError(validate("{\"prompt\":\"a\",\"completion\":\"\"}")).kind());
  }

  @Test
  void conversationWithoutAssistantTurnIsAnError() throws IOException {
    ValidationError error =
        onlyError(
            validate(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"u\"}]}"));
    assertEquals(ErrorKind.NO_ASSISTANT_TURN, error.kind());
    assertEquals(
        ErrorKind.NO_ASSISTANT_TURN,
        onlyError(validate("{\"conversations\":[{\"from\":\"human\",\"value\":\"a\"}]}")).kind());
  }

  @Test
  void wrongTypesNameTheField() throws IOException {
    ValidationError content =
        onlyError(
            validate(
                "{\"messages\":[{\"role\":\"user\",\"content\":[\"a\"]},{\"role\":\"assistant\",\"content\":\"b\"}]}"));
    assertEquals(ErrorKind.WRONG_TYPE, content.kind());
    assertTrue(
        content.message().contains("messages[0].content must be a string"), content.message());
    assertEquals(ErrorKind.WRONG_TYPE, onlyError(validate("{\"messages\":\"hi\"}")).kind());
    assertEquals(ErrorKind.WRONG_TYPE, onlyError(validate("{\"text\":42}")).kind());
    assertEquals(ErrorKind.WRONG_TYPE, onlyError(validate("[1,2]")).kind());
    assertEquals(ErrorKind.WRONG_TYPE, onlyError(validate("{\"prompt\":\"a\"}")).kind());
  }

  @Test
  void weightMustBeZeroOrOneOnAssistantTurns() throws IOException {
    assertTrue(
        validate(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                    + "{\"role\":\"assistant\",\"content\":\"b\",\"weight\":0}]}")
            .ok());
    ValidationError two =
        onlyError(
            validate(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                    + "{\"role\":\"assistant\",\"content\":\"b\",\"weight\":2}]}"));
    assertEquals(ErrorKind.WRONG_TYPE, two.kind());
    assertTrue(two.message().contains("messages[1].weight"), two.message());
    ValidationError onUser =
        onlyError(
            validate(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"weight\":1},"
                    + "{\"role\":\"assistant\",\"content\":\"b\"}]}"));
    assertTrue(onUser.message().contains("only allowed on assistant"), onUser.message());
  }

  @Test
  void countsEveryErrorButKeepsOnlyTheFirstN() throws IOException {
    JsonlValidator limited = new JsonlValidator(new ValidationOptions(1024, 3));
    String[] lines = new String[10];
    java.util.Arrays.fill(lines, "not json");
    ValidationResult result = limited.validate(Jsonl.lines(lines));
    assertEquals(Map.of(ErrorKind.INVALID_JSON, 10L), result.errorCounts());
    assertEquals(3, result.firstErrors().size());
    assertEquals(3, result.firstErrors().get(2).line());
  }

  @Test
  void byteOrderMarkOnFirstLineIsIgnored() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = (CHAT + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, 3);
    System.arraycopy(body, 0, all, 3, body.length);
    assertTrue(validator.validate(Jsonl.bytes(all)).ok());
  }
}
