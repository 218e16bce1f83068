package dev.tuneforge.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The files API over HTTP against the real service, a real broker and a real S3 server. */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class FilesApiTest {

  static final String CHAT =
      """
      {"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"}]}
      {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris"}]}
      """;

  /**
   * The team these tests upload as: a team of its own, so other classes' files never show up here.
   */
  static final String TEAM = "files-test";

  @BeforeEach
  void actAsTrainer() {
    TestKeys.useByDefault(TestKeys.shared(TEAM, "trainer"));
  }

  @AfterEach
  void noDefaultKey() {
    TestKeys.clearDefault();
  }

  static ValidatableResponse upload(String name, byte[] content) {
    return given()
        .multiPart("file", name, content, "application/jsonl")
        .multiPart("purpose", "fine-tune")
        .post("/v1/files")
        .then();
  }

  @Test
  void validChatFileIsProcessedStoredAndDownloadable() {
    byte[] content = CHAT.getBytes(StandardCharsets.UTF_8);
    String id =
        upload("chat.jsonl", content)
            .statusCode(200)
            .body("object", equalTo("file"))
            .body("status", equalTo("processed"))
            .body("bytes", equalTo(content.length))
            .body("filename", equalTo("chat.jsonl"))
            .body("purpose", equalTo("fine-tune"))
            .body("validation.format", equalTo("messages"))
            .body("validation.valid_records", equalTo(2))
            .body("created_at", notNullValue())
            .extract()
            .path("id");
    given().get("/v1/files/" + id).then().statusCode(200).body("status", equalTo("processed"));
    // The OpenAI SDKs send "Accept: application/binary" for file content.
    byte[] back =
        given()
            .accept("application/binary")
            .get("/v1/files/" + id + "/content")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertArrayEquals(content, back);
    given()
        .get("/v1/files")
        .then()
        .statusCode(200)
        .body("object", equalTo("list"))
        .body("data.id", hasItem(id));
    given().delete("/v1/files/" + id).then().statusCode(200).body("deleted", equalTo(true));
    given().get("/v1/files/" + id).then().statusCode(404).body("error.message", containsString(id));
    given().get("/v1/files").then().body("data.id", not(hasItem(id)));
  }

  @Test
  void brokenJsonIsAnErrorNamingTheLine() {
    String text = CHAT + "{\"messages\": [\n";
    upload("broken.jsonl", text.getBytes(StandardCharsets.UTF_8))
        .statusCode(200)
        .body("status", equalTo("error"))
        .body("validation.errors[0].line", equalTo(3))
        .body("status_details", containsString("line 3"));
  }

  @Test
  void invalidUtf8IsAnErrorNamingTheLine() {
    byte[] good = CHAT.getBytes(StandardCharsets.UTF_8);
    byte[] text = Arrays.copyOf(good, good.length + 2);
    System.arraycopy(
        new byte[] {(byte) 0xC3, (byte) 0x28}, 0, text, good.length, 2); // invalid 2-byte sequence
    upload("utf8.jsonl", text)
        .statusCode(200)
        .body("status", equalTo("error"))
        .body("validation.error_counts.invalid_utf8", equalTo(1))
        .body("validation.errors[0].line", equalTo(3));
  }

  @Test
  void emptyBinaryAndUnknownFormatFilesAreErrors() {
    upload("empty.jsonl", new byte[0])
        .statusCode(200)
        .body("status", equalTo("error"))
        .body("validation.error_counts.empty_file", equalTo(1));
    byte[] binary = new byte[4096];
    new java.util.Random(5).nextBytes(binary);
    binary[10] = 0;
    upload("model.bin", binary)
        .statusCode(200)
        .body("status", equalTo("error"))
        .body("status_details", containsString("line"));
    upload("odd.jsonl", "{\"question\":\"a\",\"answer\":\"b\"}\n".getBytes(StandardCharsets.UTF_8))
        .statusCode(200)
        .body("status", equalTo("error"))
        .body("validation.error_counts.unknown_format", equalTo(1));
  }

  @Test
  void hundredMegabyteSingleLineIsReportedWithoutTakingTheServiceDown() throws IOException {
    Path big = Files.createTempFile("one-line", ".jsonl");
    try (OutputStream out = Files.newOutputStream(big)) {
      out.write("{\"text\":\"".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = new byte[1 << 20];
      Arrays.fill(chunk, (byte) 'a');
      for (int i = 0; i < 100; i++) {
        out.write(chunk);
      }
      out.write("\"}\n{\"text\":\"short\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    given()
        .multiPart("file", big.toFile(), "application/jsonl")
        .multiPart("purpose", "fine-tune")
        .post("/v1/files")
        .then()
        .statusCode(200)
        .body("status", equalTo("error"))
        .body("validation.error_counts.line_too_long", equalTo(1))
        .body("validation.errors[0].line", equalTo(1))
        .body("validation.valid_records", equalTo(1));
    Files.delete(big);
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void missingPartsAndBadPurposeAre400NamingTheField() {
    given()
        .multiPart("purpose", "fine-tune")
        .post("/v1/files")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("file"));
    given()
        .multiPart("file", "a.jsonl", CHAT.getBytes(StandardCharsets.UTF_8))
        .post("/v1/files")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("purpose"));
    given()
        .multiPart("file", "a.jsonl", CHAT.getBytes(StandardCharsets.UTF_8))
        .multiPart("purpose", "assistants")
        .post("/v1/files")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("purpose"))
        .body("error.message", containsString("assistants"));
  }

  @Test
  void pathTraversalInAFileIdFindsNothing() {
    given().get("/v1/files/..%2F..%2Fdatasets").then().statusCode(404);
    given().get("/v1/files/file-../content").then().statusCode(404);
  }

  @Test
  void truncatedUploadCreatesNoFile() throws Exception {
    int before = given().get("/v1/files?limit=100").then().extract().path("data.size()");
    String boundary = "tfboundary";
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n"
            + "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.jsonl\"\r\n"
            + "Content-Type: application/jsonl\r\n\r\n"
            + CHAT;
    byte[] partial = head.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TestKeys.shared(TEAM, "trainer").secret()
                  + "\r\nContent-Type: multipart/form-data; boundary="
                  + boundary
                  + "\r\nContent-Length: "
                  + (partial.length + 10_000)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.write(partial);
      out.flush();
    } // closed mid-body: the client went away
    Thread.sleep(500);
    int after = given().get("/v1/files?limit=100").then().extract().path("data.size()");
    assertEquals(before, after);
    given().get("/q/health/ready").then().statusCode(200);
  }
}
