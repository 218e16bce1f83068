package dev.tuneforge.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events as the platform writes them ({@code data: <json>\n\n}, then {@code data: [DONE]}). */
class ServerSentEventsTest {

  private static List<String> read(String stream, int stopAfter, boolean[] done) throws Exception {
    List<String> seen = new ArrayList<>();
    done[0] =
        ServerSentEvents.read(
            new BufferedReader(new StringReader(stream)),
            d -> {
              seen.add(d);
              return seen.size() < stopAfter;
            });
    return seen;
  }

  @Test
  void deliversEachEventsDataUntilDone() throws Exception {
    boolean[] done = {false};
    List<String> seen =
        read(
            ": keep-alive comment\n"
                + "data: {\"a\":1}\n\n"
                + "event: ignored\nid: 7\ndata: {\"b\":\n"
                + "data: 2}\n\n"
                + "data:{\"c\":3}\n\n"
                + "data: [DONE]\n\n"
                + "data: {\"after\":\"done\"}\n\n",
            99,
            done);
    assertEquals(List.of("{\"a\":1}", "{\"b\":\n2}", "{\"c\":3}"), seen);
    assertTrue(done[0]);
  }

  @Test
  void aStreamCutWithoutDoneStillDeliversItsLastEventAndSaysSo() throws Exception {
    boolean[] done = {true};
    assertEquals(List.of("x", "y"), read("data: x\n\ndata: y", 99, done));
    assertFalse(done[0]);
  }

  @Test
  void theCallerMayStopEarly() throws Exception {
    boolean[] done = {true};
    assertEquals(List.of("1", "2"), read("data: 1\n\ndata: 2\n\ndata: 3\n\n", 2, done));
    assertFalse(done[0]);
  }
}
