package dev.tuneforge.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real embedded S3 server: streaming puts with their sha256, missing keys, listing. */
class ObjectStoreTest {

  @TempDir static Path dir;
  static LocalStack stack;
  static ObjectStore store;
  static Map<String, String> config;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
    Map<String, String> c = stack.serviceConfig();
    config = c;
    store =
        ObjectStore.connect(
            new S3Settings(
                c.get("tuneforge.s3.endpoint"),
                c.get("tuneforge.s3.access-key"),
                c.get("tuneforge.s3.secret-key"),
                c.get("tuneforge.s3.bucket")));
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
    StoredObject stored =
        store.put(
            "t/big.bin",
            new java.io.ByteArrayInputStream(data) {
              @Override
              public int available() {
                return 0; // behave like a network stream
              }
            },
            -1,
            null);
    assertEquals(data.length, stored.size());
    assertEquals(Sha256.of(data), stored.sha256());
    assertArrayEquals(data, store.getBytes("t/big.bin"));
  }

  @Test
  void presignedUrlServesTheObjectWithoutCredentialsUntilItExpires() throws Exception {
    byte[] data = "presigned bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    store.putBytes("t/presigned.txt", data, "text/plain");
    var http = java.net.http.HttpClient.newHttpClient();
    String url = store.presignGet("t/presigned.txt", java.time.Duration.ofSeconds(2));
    var ok =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, ok.statusCode());
    assertArrayEquals(data, ok.body());
    var tampered =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url.replace("presigned.txt", "presigned.txX")))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    assertEquals(403, tampered.statusCode());
    Thread.sleep(3500);
    var expired =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    assertEquals(403, expired.statusCode(), "an expired URL is refused");
    assertThrows(
        IllegalArgumentException.class,
        () -> store.presignGet("t/presigned.txt", java.time.Duration.ofDays(8)));
    // A presigner for the public address signs without asking the server; here the public
    // address is the same server under another name.
    String endpoint = config.get("tuneforge.s3.endpoint");
    try (ObjectStore presigner =
        ObjectStore.presigner(
            new S3Settings(
                endpoint,
                config.get("tuneforge.s3.access-key"),
                config.get("tuneforge.s3.secret-key"),
                config.get("tuneforge.s3.bucket")),
            endpoint.replace("127.0.0.1", "localhost"),
            "us-east-1")) {
      String publicUrl = presigner.presignGet("t/presigned.txt", java.time.Duration.ofMinutes(1));
      assertTrue(publicUrl.contains("localhost"), publicUrl);
      var viaPublic =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(publicUrl)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, viaPublic.statusCode());
      assertArrayEquals(data, viaPublic.body());
    }
  }

  @Test
  void missingKeyIsReportedByUri() {
    var e = assertThrows(ObjectNotFoundException.class, () -> store.getBytes("t/nothing"));
    assertTrue(e.getMessage().contains("s3://tuneforge/t/nothing"), e.getMessage());
    assertFalse(store.exists("t/nothing"));
  }

  @Test
  void listReturnsKeysUnderAPrefixAndGetStreamsThem() throws Exception {
    store.putBytes("t/dl/x.txt", "xyz".getBytes(StandardCharsets.UTF_8), null);
    assertEquals(List.of("t/dl/x.txt"), store.list("t/dl/"));
    try (InputStream in = store.get("t/dl/x.txt")) {
      assertEquals(3, in.readAllBytes().length);
    }
  }
}
