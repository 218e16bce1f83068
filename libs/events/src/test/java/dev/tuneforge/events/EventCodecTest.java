package dev.tuneforge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

  private final EventCodec codec = new EventCodec();
  private final ObjectMapper json = new ObjectMapper();

  static java.util.stream.Stream<Event> samples() {
    return EventSamples.all().stream();
  }

  @Test
  void everyEventTypeHasASample() {
    Set<String> sampled =
        EventSamples.all().stream()
            .map(e -> e.getClass().getSimpleName())
            .collect(Collectors.toSet());
    assertEquals(EventTypes.names(), sampled);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyEventSurvivesARoundTrip(Event event) {
    EventEnvelope sent = EventEnvelope.of(event, "test");
    EventEnvelope received = codec.decode(codec.encode(sent));
    assertEquals(sent, received);
    assertEquals(event, received.payload());
    assertEquals(event.key(), received.key());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyRequiredFieldIsEnforcedByName(Event event) throws Exception {
    for (var component : event.getClass().getRecordComponents()) {
      if (component.isAnnotationPresent(Nullable.class)) {
        continue;
      }
      ObjectNode root = (ObjectNode) json.readTree(codec.encode(EventEnvelope.of(event, "test")));
      ((ObjectNode) root.get("payload")).remove(component.getName());
      var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
      assertTrue(
          error.getMessage().contains("'" + component.getName() + "'"),
          "message should name " + component.getName() + ": " + error.getMessage());
    }
  }

  @Test
  void brokenJsonIsRejected() {
    var error =
        assertThrows(EventDecodingException.class, () -> codec.decode("{\"eventId\": \"x\","));
    assertTrue(error.getMessage().startsWith("broken JSON"), error.getMessage());
  }

  @Test
  void unknownSchemaVersionIsRejectedWithTheVersion() throws Exception {
    ObjectNode root = envelopeOf(new CancelRequested("job-1", null));
    root.put("schemaVersion", 7);
    var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
    assertEquals(
        "unsupported schemaVersion 7 for CancelRequested (supported: [1])", error.getMessage());
  }

  @Test
  void unknownTypeIsRejectedListingKnownTypes() throws Exception {
    ObjectNode root = envelopeOf(new CancelRequested("job-1", null));
    root.put("type", "JobExploded");
    var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
    assertTrue(error.getMessage().contains("unknown event type 'JobExploded'"), error.getMessage());
    assertTrue(error.getMessage().contains("TrainingRequested"), error.getMessage());
  }

  @Test
  void missingEnvelopeFieldIsNamed() throws Exception {
    ObjectNode root = envelopeOf(new CancelRequested("job-1", null));
    root.remove("occurredAt");
    var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
    assertEquals("missing required envelope field 'occurredAt'", error.getMessage());
  }

  @Test
  void unknownPayloadFieldIsNamed() throws Exception {
    ObjectNode root = envelopeOf(new CancelRequested("job-1", null));
    ((ObjectNode) root.get("payload")).put("priority", 3);
    var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
    assertEquals("unknown field 'priority' in CancelRequested", error.getMessage());
  }

  @Test
  void wrongTypeOfFieldIsNamed() throws Exception {
    ObjectNode root = envelopeOf(new TrainingStarted("job-1", "w", 1, null, 10));
    ((ObjectNode) root.get("payload")).put("attempt", "first");
    var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
    assertTrue(error.getMessage().contains("attempt"), error.getMessage());
  }

  @Test
  void keyMustMatchThePayload() throws Exception {
    ObjectNode root = envelopeOf(new CancelRequested("job-1", null));
    root.put("key", "job-2");
    var error = assertThrows(EventDecodingException.class, () -> codec.decode(root.toString()));
    assertTrue(error.getMessage().contains("does not match"), error.getMessage());
  }

  @Test
  void nullableFieldsMayBeAbsent() throws Exception {
    ObjectNode root = envelopeOf(new TrainingCancelled("job-1", 3L, "x"));
    ((ObjectNode) root.get("payload")).remove("reason");
    ((ObjectNode) root.get("payload")).remove("step");
    assertEquals(
        new TrainingCancelled("job-1", null, null), codec.decode(root.toString()).payload());
  }

  /** A TrainingFailed written before code and param existed still decodes, with a code. */
  @Test
  void aTrainingFailedWrittenWithoutCodeDecodesWithTheCodeItsReasonImplies() throws Exception {
    String crashed =
        "engine_crashed: the training process ended with signal 11 SIGSEGV (exit code 139)";
    for (String[] c :
        new String[][] {
          {crashed, TrainingFailed.ENGINE_CRASHED},
          {"OutOfMemoryError: Java heap space", TrainingFailed.OUT_OF_MEMORY},
          {"step 3: loss is NaN", TrainingFailed.TRAINING_ERROR}
        }) {
      ObjectNode root = envelopeOf(new TrainingFailed("job-1", c[0], 3L, "x", "y"));
      ObjectNode payload = (ObjectNode) root.get("payload");
      payload.remove("code");
      payload.remove("param");
      assertEquals(
          "{\"jobId\":\"job-1\",\"reason\":\"" + c[0] + "\",\"step\":3}", payload.toString());
      TrainingFailed old = (TrainingFailed) codec.decode(root.toString()).payload();
      assertEquals(new TrainingFailed("job-1", c[0], 3L, c[1], null), old);
      // and it is written again with its code, which then survives a round trip
      assertEquals(old, codec.decode(codec.encode(EventEnvelope.of(old, "test"))).payload());
    }
  }

  @Test
  void emptyRecordIsRejected() {
    assertThrows(EventDecodingException.class, () -> codec.decode((byte[]) null));
    assertThrows(EventDecodingException.class, () -> codec.decode("  "));
    assertThrows(EventDecodingException.class, () -> codec.decode("[1,2]"));
  }

  private ObjectNode envelopeOf(Event e) throws Exception {
    return (ObjectNode) json.readTree(codec.encode(EventEnvelope.of(e, "test")));
  }
}
