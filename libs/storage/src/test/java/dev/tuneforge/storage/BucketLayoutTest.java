package dev.tuneforge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BucketLayoutTest {

  @Test
  void keysFollowTheDesign() {
    assertEquals("files/file-abc/content", BucketLayout.fileContent("file-abc"));
    assertEquals("files/file-abc/file.json", BucketLayout.fileRecord("file-abc"));
    assertEquals("datasets/support/v3/", BucketLayout.dataset("support", "v3"));
    assertEquals("models/tiny/main/", BucketLayout.model("tiny", BucketLayout.DEFAULT_REVISION));
    assertEquals(
        "models/meta-llama/Llama-3.2-1B/abc123/",
        BucketLayout.model("meta-llama/Llama-3.2-1B", "abc123"));
    assertEquals("runs/ftjob-1/checkpoints/step-400/", BucketLayout.checkpoint("ftjob-1", 400));
    assertEquals("runs/ftjob-1/adapter/", BucketLayout.adapter("ftjob-1"));
    assertEquals("runs/ftjob-1/model/", BucketLayout.runModel("ftjob-1"));
    assertEquals("runs/ftjob-1/metrics/", BucketLayout.metrics("ftjob-1"));
    assertEquals("evaluations/eval-1/", BucketLayout.evaluation("eval-1"));
    assertEquals(
        "registry/acme/support/v2/exports/exp-9/",
        BucketLayout.export("acme", "support", 2, "exp-9"));
  }

  @Test
  void badNamesAreRefusedNamingTheFieldAndThePart() {
    bad(() -> BucketLayout.dataset("../etc", "v1"), "dataset name", "'.'");
    bad(() -> BucketLayout.dataset("a/b", "v1"), "dataset name", "'/'");
    bad(() -> BucketLayout.dataset("ok", ".."), "dataset version", "'..'");
    bad(() -> BucketLayout.dataset("", "v1"), "dataset name", "empty");
    bad(() -> BucketLayout.dataset(null, "v1"), "dataset name", "empty");
    bad(() -> BucketLayout.fileContent("file a"), "file id", "' '");
    bad(() -> BucketLayout.fileContent(".hidden"), "file id", "index 0");
    bad(() -> BucketLayout.adapter("jöb"), "job id", "U+00F6");
    bad(() -> BucketLayout.adapter("job\n"), "job id", "U+000A");
    bad(() -> BucketLayout.adapter("x".repeat(129)), "job id", "longer than 128");
    bad(() -> BucketLayout.model("org//name", "main"), "model name", "empty segment");
    bad(() -> BucketLayout.model("a/b/c", "main"), "model name", "more than two segments");
    bad(() -> BucketLayout.model("org/..", "main"), "model name", "segment '..'");
    bad(() -> BucketLayout.model("/abs", "main"), "model name", "empty segment");
    bad(() -> BucketLayout.checkpoint("ftjob-1", -1), "checkpoint step", ">= 0");
    bad(() -> BucketLayout.export("acme", "support", 0, "exp"), "registry version", ">= 1");
    bad(() -> BucketLayout.registryVersion("../x", "support", 1), "team", "not allowed");
  }

  @Test
  void s3AddressesAreParsedAndChecked() {
    assertEquals(
        new S3Location("tuneforge", "models/llama3/main/"),
        S3Location.parse("s3://tuneforge/models/llama3/main"));
    for (String bad :
        java.util.List.of(
            "http://x/y/",
            "s3://bucket",
            "s3://bucket/",
            "s3:///x/",
            "s3://b/a/../c/",
            "s3://b/a//c/")) {
      assertThrows(IllegalArgumentException.class, () -> S3Location.parse(bad), bad);
    }
  }

  private static void bad(Executable call, String field, String part) {
    var e = assertThrows(InvalidNameException.class, call::execute);
    assertEquals(field, e.field());
    assertTrue(e.getMessage().contains(part), part + " not in: " + e.getMessage());
  }

  @FunctionalInterface
  interface Executable {
    void execute();
  }
}
