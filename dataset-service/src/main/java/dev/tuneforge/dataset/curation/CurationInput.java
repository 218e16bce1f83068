package dev.tuneforge.dataset.curation;

import java.io.InputStream;
import java.util.Objects;

/**
 * One uploaded file to curate: its id (samples in the report name it) and its content, read once,
 * start to end. The caller opens and closes the stream.
 */
public record CurationInput(String fileId, InputStream content) {

  public CurationInput {
    Objects.requireNonNull(fileId, "fileId");
    Objects.requireNonNull(content, "content");
  }
}
