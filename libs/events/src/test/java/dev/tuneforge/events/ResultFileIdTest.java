package dev.tuneforge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultFileIdTest {

  @Test
  void aResultFileIdLeadsBackToItsJob() {
    String id = ResultFileId.of("ftjob-0123456789abcdef01234567");
    assertEquals("file-results-ftjob-0123456789abcdef01234567", id);
    assertEquals(Optional.of("ftjob-0123456789abcdef01234567"), ResultFileId.jobId(id));
  }

  @Test
  void uploadedFileIdsAndOtherStringsAreNoResultFiles() {
    assertTrue(ResultFileId.jobId("file-abcdefghijklmnopqrstuvwx").isEmpty());
    assertTrue(ResultFileId.jobId("file-results-").isEmpty());
    assertTrue(ResultFileId.jobId(null).isEmpty());
  }
}
