package dev.tuneforge.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
  private static final String SHA = "a".repeat(64);

  @Test
  void roundTripKeepsEveryField() {
    ArtifactManifest m =
        new ArtifactManifest(
            ArtifactKind.DATASET,
            Instant.parse("2026-01-02T03:04:05Z"),
            List.of(
                new ManifestEntry("train.jsonl", SHA, 10),
                new ManifestEntry("a/b.bin", "b".repeat(64), 0)),
            ManifestCodec.toNodes(Map.of("counts", Map.of("train", 9), "name", "support")));
    ArtifactManifest back = ManifestCodec.decode(ManifestCodec.encode(m), "test");
    assertEquals(m, back);
    assertEquals(
        List.of("a/b.bin", "train.jsonl"), back.files().stream().map(ManifestEntry::path).toList());
    assertEquals(9, back.metadata("counts").path("train").asInt());
    assertTrue(back.metadata("absent").isMissingNode());
    assertEquals(10, back.totalBytes());
  }

  @Test
  void encodingIsStable() {
    ArtifactManifest m =
        ArtifactManifest.of(
            ArtifactKind.CHECKPOINT,
            List.of(new ManifestEntry("x", SHA, 1)),
            Map.of("z", 1, "a", 2));
    String json = new String(ManifestCodec.encode(m), StandardCharsets.UTF_8);
    assertTrue(json.indexOf("\"a\"") < json.indexOf("\"z\""), json);
    assertTrue(json.contains("\"kind\" : \"checkpoint\""), json);
  }

  @Test
  void badManifestsAreRefusedNamingTheField() {
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"model\",\"createdAt\":\"2026-01-01T00:00:00Z\","
            + "\"files\":[{\"path\":\"ok\",\"sha256\":\""
            + SHA
            + "\",\"bytes\":1},{\"path\":\"x\",\"sha256\":\"zz\",\"bytes\":1}]}",
        "files[1]",
        "sha256");
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"model\",\"createdAt\":\"2026-01-01T00:00:00Z\","
            + "\"files\":[{\"path\":\"../etc/passwd\",\"sha256\":\""
            + SHA
            + "\",\"bytes\":1}]}",
        "files[0]",
        "'..'");
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"model\",\"createdAt\":\"2026-01-01T00:00:00Z\","
            + "\"files\":[{\"path\":\"a\",\"sha256\":\""
            + SHA
            + "\",\"bytes\":\"1\"}]}",
        "files[0].bytes");
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"model\",\"createdAt\":\"2026-01-01T00:00:00Z\","
            + "\"files\":[{\"path\":\"a\",\"sha256\":\""
            + SHA
            + "\",\"bytes\":1},{\"path\":\"a\",\"sha256\":\""
            + SHA
            + "\",\"bytes\":1}]}",
        "listed twice");
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"weights\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"files\":[]}",
        "weights");
    assertMessage(
        "{\"schemaVersion\":2,\"kind\":\"model\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"files\":[]}",
        "schemaVersion");
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"model\",\"createdAt\":\"yesterday\",\"files\":[]}",
        "createdAt");
    assertMessage(
        "{\"schemaVersion\":1,\"kind\":\"model\",\"createdAt\":\"2026-01-01T00:00:00Z\"}", "files");
    assertMessage("[1,2", "not JSON");
  }

  @Test
  void pathsThatCouldLeaveTheFolderAreRefused() {
    for (String bad : List.of("", "/abs", "a//b", "a/./b", "..", "a/..", "a\\b", "a\nb", "dir/")) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> ArtifactPaths.requireRelative(bad), bad);
      assertTrue(e.getMessage().contains("file path"), e.getMessage());
    }
    assertEquals("a/b.c", ArtifactPaths.requireRelative("a/b.c"));
  }

  private static void assertMessage(String json, String... parts) {
    var e =
        assertThrows(
            InvalidManifestException.class,
            () ->
                ManifestCodec.decode(
                    json.getBytes(StandardCharsets.UTF_8), "s3://b/x/manifest.json"));
    assertTrue(e.getMessage().startsWith("s3://b/x/manifest.json"), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), p + " not in: " + e.getMessage());
    }
  }
}
