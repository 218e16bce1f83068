package dev.tuneforge.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactsTest {
  @TempDir Path dir;

  private Path folder() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.createDirectories(dir.resolve("sub"));
    Files.write(dir.resolve("sub/w.bin"), new byte[] {1, 2, 3});
    LocalArtifacts.writeManifest(
        dir, LocalArtifacts.describe(dir, ArtifactKind.MODEL, Map.of("revision", "main")));
    return dir;
  }

  @Test
  void describedFolderVerifies() throws Exception {
    ArtifactManifest m = LocalArtifacts.verify(folder());
    assertEquals(
        List.of("config.json", "sub/w.bin"), m.files().stream().map(ManifestEntry::path).toList());
    assertEquals(Sha256.of(new byte[] {1, 2, 3}), m.file("sub/w.bin").orElseThrow().sha256());
    assertEquals("main", m.metadata("revision").asText());
    assertTrue(
        LocalArtifacts.files(dir).equals(List.of("config.json", "sub/w.bin")),
        "the manifest is not a file of itself");
  }

  @Test
  void flippedByteIsNamed() throws Exception {
    folder();
    Files.write(dir.resolve("sub/w.bin"), new byte[] {1, 2, 4});
    var e = assertThrows(CorruptArtifactException.class, () -> LocalArtifacts.verify(dir));
    assertEquals("sub/w.bin", e.file());
    assertTrue(e.getMessage().contains("does not match its sha256"), e.getMessage());
  }

  @Test
  void missingAndResizedFilesAreNamed() throws Exception {
    folder();
    Files.write(dir.resolve("sub/w.bin"), new byte[] {1, 2});
    var resized = assertThrows(CorruptArtifactException.class, () -> LocalArtifacts.verify(dir));
    assertTrue(resized.getMessage().contains("sub/w.bin has 2 bytes"), resized.getMessage());
    Files.delete(dir.resolve("sub/w.bin"));
    var missing = assertThrows(CorruptArtifactException.class, () -> LocalArtifacts.verify(dir));
    assertEquals("sub/w.bin", missing.file());
    assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
  }

  @Test
  void folderWithoutManifestIsIncomplete() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    assertTrue(LocalArtifacts.read(dir).isEmpty());
    var e = assertThrows(CorruptArtifactException.class, () -> LocalArtifacts.verify(dir));
    assertEquals(ArtifactManifest.FILE_NAME, e.file());
    assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
  }
}
