package dev.tuneforge.cli.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Reads a Server-Sent Events stream as the platform sends it (job events, chat chunks): each
 * event's {@code data:} lines joined with newlines, handed over when the blank line ends the event.
 * {@code [DONE]} ends the stream, as in OpenAI's streams; comments and other fields are skipped.
 */
public final class ServerSentEvents {
  private ServerSentEvents() {}

  /**
   * Calls {@code onData} with every event's data until the end of the stream, {@code [DONE]}, or
   * {@code onData} answering false; returns true when the stream ended with {@code [DONE]}.
   */
  public static boolean read(BufferedReader in, Predicate<String> onData) throws IOException {
    StringBuilder data = null;
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          String d = data.toString();
          data = null;
          if (d.equals("[DONE]")) {
            return true;
          }
          if (!onData.test(d)) {
            return false;
          }
        }
        continue;
      }
      if (line.startsWith("data:")) {
        String value = line.substring(5);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
      // "event:", "id:", "retry:" and ":" comments carry nothing the CLI uses
    }
    if (data != null) { // a stream cut after the last data line still delivers it
      String d = data.toString();
      if (d.equals("[DONE]")) {
        return true;
      }
      onData.test(d);
    }
    return false;
  }
}
