package dev.tuneforge.storage.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.CorruptArtifactException;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.stack.EmbeddedS3;
import dev.tuneforge.stack.Ports;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publish and fetch against the real embedded S3 server: manifests last, every sha256 checked, the
 * blob cache.
 */
class ArtifactStoreTest {

  @TempDir static Path shared;
  @TempDir Path dir;
  static EmbeddedS3 s3;
  static ObjectStore objects;

  @BeforeAll
  static void start() throws Exception {
    s3 = EmbeddedS3.start(shared.resolve("s3"), Ports.free(), "key", "secret-key", "tuneforge");
    objects = ObjectStore.connect(new S3Settings(s3.endpoint(), "key", "secret-key", "tuneforge"));
  }

  @AfterAll
  static void stop() throws Exception {
    objects.close();
    s3.close();
  }

  /**
   * A small model-like folder: a JSON file, a 200 kB weight file in a sub-folder, an empty file.
   */
  private Path folder(String name, long seed) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.resolve("sub"));
    Files.writeString(f.resolve("config.json"), "{\"hidden_size\": 64, \"seed\": " + seed + "}");
    byte[] w = new byte[200_000];
    new Random(seed).nextBytes(w);
    Files.write(f.resolve("sub/w.bin"), w);
    Files.write(f.resolve("empty.txt"), new byte[0]);
    return f;
  }

  private static void assertSameFiles(Path expected, Path actual) throws IOException {
    assertEquals(LocalArtifacts.files(expected), LocalArtifacts.files(actual));
    for (String p : LocalArtifacts.files(expected)) {
      assertArrayEquals(
          Files.readAllBytes(expected.resolve(p)), Files.readAllBytes(actual.resolve(p)), p);
    }
  }

  private static void flipLastByte(String key) {
    byte[] bytes = objects.getBytes(key);
    bytes[bytes.length - 1] ^= 1;
    objects.putBytes(key, bytes, null);
  }

  /** Files next to {@code target} (temporary folders a failed fetch must not leave). */
  private static List<String> siblings(Path target) throws IOException {
    if (!Files.isDirectory(target.getParent())) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(target.getParent())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void folderRoundTripIsByteIdentical() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    Path src = folder("src", 1);
    String prefix = BucketLayout.model("org/tiny", "main");
    ArtifactManifest published =
        artifacts.publish(src, prefix, ArtifactKind.MODEL, Map.of("family", "llama"));
    assertEquals(
        List.of("config.json", "empty.txt", "sub/w.bin"),
        published.files().stream().map(ManifestEntry::path).toList());
    assertEquals(
        Sha256.of(src.resolve("sub/w.bin")), published.file("sub/w.bin").orElseThrow().sha256());

    Path dest = dir.resolve("fetched/tiny");
    ArtifactManifest fetched = artifacts.fetch(prefix, dest);
    assertEquals(published, fetched);
    assertEquals("llama", fetched.metadata("family").asText());
    assertSameFiles(src, dest);
    assertEquals(published, LocalArtifacts.verify(dest), "the fetched folder carries its manifest");
    assertEquals(List.of("tiny"), siblings(dest), "no temporary folder is left");
  }

  @Test
  void corruptedByteFailsNamingTheFileAndLeavesNothing() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.checkpoint("ftjob-corrupt", 4);
    artifacts.publish(folder("src", 2), prefix, ArtifactKind.CHECKPOINT, Map.of("step", 4));
    flipLastByte(prefix + "sub/w.bin");

    Path dest = dir.resolve("out/step-4");
    var e = assertThrows(CorruptArtifactException.class, () -> artifacts.fetch(prefix, dest));
    assertEquals("sub/w.bin", e.file());
    assertTrue(
        e.getMessage().contains("sub/w.bin") && e.getMessage().contains("sha256"), e.getMessage());
    assertFalse(Files.exists(dest));
    assertEquals(List.of(), siblings(dest), "nothing is left in the destination's folder");
  }

  @Test
  void failedFetchLeavesAnEarlierCopyUntouched() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.adapter("ftjob-keep");
    Path src = folder("src", 3);
    artifacts.publish(src, prefix, ArtifactKind.ADAPTER, Map.of());
    Path dest = dir.resolve("keep/adapter");
    artifacts.fetch(prefix, dest);
    flipLastByte(prefix + "config.json");
    assertThrows(CorruptArtifactException.class, () -> artifacts.fetch(prefix, dest));
    assertSameFiles(src, dest);
    assertEquals(List.of("adapter"), siblings(dest));
  }

  @Test
  void manifestNamingAnAbsentFileFailsNamingIt() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.evaluation("eval-absent");
    artifacts.publish(folder("src", 4), prefix, ArtifactKind.REPORT, Map.of());
    objects.delete(prefix + "empty.txt");
    Path dest = dir.resolve("absent");
    var e = assertThrows(CorruptArtifactException.class, () -> artifacts.fetch(prefix, dest));
    assertEquals("empty.txt", e.file());
    assertTrue(
        e.getMessage().contains("empty.txt") && e.getMessage().contains("absent"), e.getMessage());
    assertFalse(Files.exists(dest));
  }

  @Test
  void artifactWithoutManifestIsNotThere() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.dataset("half-written", "v1");
    // what a writer has done before its manifest: every file uploaded, no manifest yet
    objects.putBytes(prefix + "train.jsonl", "{}\n".getBytes(StandardCharsets.UTF_8), null);
    assertFalse(artifacts.exists(prefix));
    assertTrue(artifacts.find(prefix).isEmpty());
    Path dest = dir.resolve("half");
    var e = assertThrows(ArtifactNotFoundException.class, () -> artifacts.fetch(prefix, dest));
    assertTrue(
        e.getMessage().contains("s3://tuneforge/" + prefix)
            && e.getMessage().contains("manifest.json"),
        e.getMessage());
    assertFalse(Files.exists(dest));
  }

  @Test
  void republishingReplacesTheArtifact() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.model("republished", "main");
    artifacts.publish(folder("one", 5), prefix, ArtifactKind.MODEL, Map.of());
    Path two = folder("two", 6);
    artifacts.publish(two, prefix, ArtifactKind.MODEL, Map.of());
    Path dest = dir.resolve("re");
    artifacts.fetch(prefix, dest);
    assertSameFiles(two, dest);
  }

  @Test
  void cacheHitDownloadsNothing() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects, new BlobCache(dir.resolve("cache")));
    String prefix = BucketLayout.model("cached", "main");
    Path src = folder("src", 7);
    ArtifactManifest m = artifacts.publish(src, prefix, ArtifactKind.MODEL, Map.of());
    artifacts.fetch(prefix, dir.resolve("first"));
    // Remove every file from the bucket, keeping the manifest: a second fetch that tried to
    // download
    // anything would now fail, so succeeding proves it read only the cache.
    for (ManifestEntry e : m.files()) {
      objects.delete(prefix + e.path());
    }
    Path second = dir.resolve("second");
    artifacts.fetch(prefix, second);
    assertSameFiles(src, second);
    assertThrows(
        CorruptArtifactException.class,
        () -> new ArtifactStore(objects).fetch(prefix, dir.resolve("uncached")),
        "without the cache the same fetch needs the deleted files");
  }

  @Test
  void corruptedCacheEntryIsFetchedAgain() throws Exception {
    BlobCache cache = new BlobCache(dir.resolve("cache"));
    ArtifactStore artifacts = new ArtifactStore(objects, cache);
    String prefix = BucketLayout.model("recached", "main");
    Path src = folder("src", 8);
    ArtifactManifest m = artifacts.publish(src, prefix, ArtifactKind.MODEL, Map.of());
    artifacts.fetch(prefix, dir.resolve("first"));
    String sha = m.file("sub/w.bin").orElseThrow().sha256();
    Path entry = cache.path(sha);
    Files.delete(
        entry); // replaced, not edited in place: the first fetch's hard link keeps its bytes
    byte[] bad = Files.readAllBytes(src.resolve("sub/w.bin"));
    bad[17] ^= 1;
    Files.write(entry, bad);

    Path second = dir.resolve("second");
    artifacts.fetch(prefix, second);
    assertSameFiles(src, second);
    assertEquals(sha, Sha256.of(entry), "the corrupt entry was replaced by a verified download");
  }

  @Test
  void corruptDownloadNeverEntersTheCache() throws Exception {
    BlobCache cache = new BlobCache(dir.resolve("cache"));
    ArtifactStore artifacts = new ArtifactStore(objects, cache);
    String prefix = BucketLayout.model("poisoned", "main");
    ArtifactManifest m = artifacts.publish(folder("src", 9), prefix, ArtifactKind.MODEL, Map.of());
    flipLastByte(prefix + "sub/w.bin");
    var e =
        assertThrows(
            CorruptArtifactException.class, () -> artifacts.fetch(prefix, dir.resolve("p")));
    assertEquals("sub/w.bin", e.file());
    assertFalse(Files.exists(cache.path(m.file("sub/w.bin").orElseThrow().sha256())));
    try (Stream<Path> s = Files.list(cache.dir())) {
      assertTrue(
          s.allMatch(p -> Sha256.isHex(p.getFileName().toString())),
          "no temporary file is left in the cache");
    }
  }

  @Test
  void folderWithItsOwnManifestIsPublishedAsIs() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    Path src = folder("ck", 10);
    ArtifactManifest local =
        LocalArtifacts.describe(src, ArtifactKind.CHECKPOINT, Map.of("step", 6));
    LocalArtifacts.writeManifest(src, local);
    Files.writeString(src.resolve("notes.txt"), "not part of the checkpoint");
    String prefix = BucketLayout.checkpoint("ftjob-own", 6);
    assertEquals(local, artifacts.publish(src, prefix));
    assertEquals(local, artifacts.manifest(prefix));
    assertFalse(
        objects.exists(prefix + "notes.txt"), "only the files its manifest lists are published");

    Files.write(src.resolve("config.json"), "{}".getBytes(StandardCharsets.UTF_8));
    String other = BucketLayout.checkpoint("ftjob-own", 7);
    var e = assertThrows(CorruptArtifactException.class, () -> artifacts.publish(src, other));
    assertEquals("config.json", e.file());
    assertFalse(artifacts.exists(other));
  }

  @Test
  void singleBlobIsFetchedOnlyWhenItsSha256Matches() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects, new BlobCache(dir.resolve("cache")));
    byte[] data = "one blob\n".getBytes(StandardCharsets.UTF_8);
    StoredObject stored =
        artifacts.publishBlob(
            BucketLayout.fileContent("file-blob"),
            new java.io.ByteArrayInputStream(data),
            -1,
            null);
    assertEquals(Sha256.of(data), stored.sha256());
    Path target = dir.resolve("blob/content");
    artifacts.fetchBlob(stored.key(), stored.sha256(), target);
    assertArrayEquals(data, Files.readAllBytes(target));

    Path wrong = dir.resolve("blob/wrong");
    var e =
        assertThrows(
            CorruptArtifactException.class,
            () -> new ArtifactStore(objects).fetchBlob(stored.key(), "0".repeat(64), wrong));
    assertTrue(
        e.getMessage().contains("content") && e.getMessage().contains("sha256"), e.getMessage());
    assertFalse(Files.exists(wrong));
    assertEquals(List.of("content"), siblings(target));
  }

  @Test
  void streamedFileFailsAtItsEndWhenCorrupt() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.dataset("streamed", "v1");
    ArtifactManifest m =
        artifacts.publish(folder("src", 11), prefix, ArtifactKind.DATASET, Map.of());
    ManifestEntry w = m.file("sub/w.bin").orElseThrow();
    try (InputStream in = artifacts.open(prefix, w)) {
      assertEquals(w.bytes(), in.readAllBytes().length);
    }
    flipLastByte(prefix + "sub/w.bin");
    try (InputStream in = artifacts.open(prefix, w)) {
      var e = assertThrows(CorruptArtifactException.class, in::readAllBytes);
      assertEquals("sub/w.bin", e.file());
    }
  }

  @Test
  void deletedArtifactIsGoneAtOnce() throws Exception {
    ArtifactStore artifacts = new ArtifactStore(objects);
    String prefix = BucketLayout.metrics("ftjob-del");
    artifacts.publish(folder("src", 12), prefix, ArtifactKind.REPORT, Map.of());
    artifacts.delete(prefix);
    assertFalse(artifacts.exists(prefix));
    assertEquals(List.of(), objects.list(prefix));
  }

  @Test
  void prefixesThatAreNotFoldersAreRefused() {
    ArtifactStore artifacts = new ArtifactStore(objects);
    for (String bad : List.of("models/x", "models//x/", "models/../x/", "/models/x/", "")) {
      var e = assertThrows(IllegalArgumentException.class, () -> artifacts.find(bad), bad);
      assertTrue(e.getMessage().contains("artifact prefix"), e.getMessage());
    }
  }
}
