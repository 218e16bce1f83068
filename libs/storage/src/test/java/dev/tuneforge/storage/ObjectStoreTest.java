package dev.tuneforge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real embedded S3 server: streaming puts, sha256, manifests written last. */
class ObjectStoreTest {

  @TempDir static Path dir;
  static LocalStack stack;
  static ObjectStore store;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
    Map<String, String> c = stack.serviceConfig();
    store = ObjectStore.connect(new S3Settings(c.get("tuneforge.s3.endpoint"), c.get("tuneforge.s3.access-key"),
        c.get("tuneforge.s3.secret-key"), c.get("tuneforge.s3.bucket")));
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    stack.close();
  }

  @Test
  void streamOfUnknownLengthIsStoredWithItsSha256() throws Exception {
    byte[] data = new byte[(int) (ObjectStore.PART_SIZE + 12345)]; // more than one multipart part
    new Random(1).nextBytes(data);
    StoredObject stored = store.put("t/big.bin", new java.io.ByteArrayInputStream(data) {
      @Override
      public int available() {
        return 0; // behave like a network stream
      }
    }, -1, null);
    assertEquals(data.length, stored.size());
    assertEquals(Hashing.sha256Hex(data), stored.sha256());
    assertArrayEquals(data, store.getBytes("t/big.bin"));
  }

  @Test
  void missingKeyIsReportedByUri() {
    var e = assertThrows(ObjectNotFoundException.class, () -> store.getBytes("t/nothing"));
    assertTrue(e.getMessage().contains("s3://tuneforge/t/nothing"), e.getMessage());
    assertFalse(store.exists("t/nothing"));
  }

  @Test
  void artifactIsCompleteOnlyOnceItsManifestIsWritten() {
    String prefix = "t/artifact/";
    StoredObject a = store.putBytes(prefix + "a.txt", "alpha".getBytes(StandardCharsets.UTF_8), "text/plain");
    assertFalse(Manifests.isComplete(store, prefix));
    assertThrows(ObjectNotFoundException.class, () -> Manifests.read(store, prefix));
    Manifests.write(store, prefix, List.of(a), Map.of("kind", "test"));
    var manifest = Manifests.verify(store, prefix);
    assertEquals("test", manifest.get("kind").asText());
    assertEquals(Hashing.sha256Hex("alpha".getBytes(StandardCharsets.UTF_8)), manifest.at("/files/a.txt/sha256").asText());
  }

  @Test
  void tamperedPartFailsVerificationNamingThePart() {
    String prefix = "t/tampered/";
    StoredObject a = store.putBytes(prefix + "w.bin", new byte[] {1, 2, 3}, null);
    Manifests.write(store, prefix, List.of(a), Map.of());
    store.putBytes(prefix + "w.bin", new byte[] {1, 2, 4}, null);
    var e = assertThrows(StorageException.class, () -> Manifests.verify(store, prefix));
    assertTrue(e.getMessage().contains("w.bin"), e.getMessage());
  }

  @Test
  void folderDownloadChecksTheManifest() throws Exception {
    String prefix = "t/model/";
    StoredObject config = store.putBytes(prefix + "config.json", "{}".getBytes(StandardCharsets.UTF_8), null);
    store.putBytes(prefix + "sub/ignored.txt", "x".getBytes(StandardCharsets.UTF_8), null);
    Manifests.write(store, prefix, List.of(config), Map.of());
    Path dir = store.downloadFolder("t/model", ObjectStoreTest.dir.resolve("model"));
    assertEquals("{}", Files.readString(dir.resolve("config.json")));
    assertFalse(Files.exists(dir.resolve("sub")));
    store.putBytes(prefix + "config.json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8), null);
    var e = assertThrows(StorageException.class, () -> store.downloadFolder(prefix, ObjectStoreTest.dir.resolve("model2")));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> store.downloadFolder("t/none/", ObjectStoreTest.dir.resolve("none")));
  }

  @Test
  void downloadWritesTheFileAndReturnsItsSha() throws Exception {
    store.putBytes("t/dl/x.txt", "xyz".getBytes(StandardCharsets.UTF_8), null);
    Path target = dir.resolve("dl/x.txt");
    assertEquals(Hashing.sha256Hex("xyz".getBytes(StandardCharsets.UTF_8)), store.download("t/dl/x.txt", target));
    assertEquals("xyz", Files.readString(target));
    assertEquals(List.of("t/dl/x.txt"), store.list("t/dl/"));
    try (InputStream in = store.get("t/dl/x.txt")) {
      assertEquals(3, in.readAllBytes().length);
    }
  }
}
