package dev.tuneforge.dataset.curation.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tuneforge.dataset.record.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes curated records as {@code {"messages":[{"role":..,"content":..,"weight":..}]}}, one per
 * line, keys always in that order and {@code weight} only when the input had one, so equal records
 * always give equal bytes. Non-ASCII text is written as UTF-8, not escaped. {@link #finish()}
 * flushes and returns the part's checksum; the target stream stays open. Not thread-safe.
 */
public final class ChatJsonlWriter {

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private final DigestingOutputStream out;
  private final JsonGenerator json;
  private long records;

  public ChatJsonlWriter(OutputStream target) throws IOException {
    this.out = new DigestingOutputStream(target);
    this.json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    // No separator between root values: the newline is written explicitly after each record.
    json.setRootValueSeparator(null);
  }

  public void write(List<Message> messages) throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("messages");
    for (Message m : messages) {
      json.writeStartObject();
      json.writeStringField("role", m.role());
      json.writeStringField("content", m.content());
      if (m.weight() != null) {
        json.writeNumberField("weight", m.weight());
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
    json.writeRaw('\n');
    records++;
  }

  public PartInfo finish() throws IOException {
    json.flush();
    json.close();
    out.flush();
    return new PartInfo(out.sha256Hex(), out.bytes(), records);
  }
}
