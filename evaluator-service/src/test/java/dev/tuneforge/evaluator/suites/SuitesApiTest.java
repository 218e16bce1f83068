package dev.tuneforge.evaluator.suites;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code /v1/evaluation/suites} on the real broker: versions, teams, and bad suites → 400. */
@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
class SuitesApiTest {
  static final String SUITE =
      """
      name: smoke
      cases:
        - id: two
          prompt: What is 1 plus 1?
          expect: {type: exact, value: "2"}
      """;

  final String team = "suites-" + UUID.randomUUID().toString().substring(0, 8);

  TestKeys.Key trainer() {
    return TestKeys.shared(team, "trainer");
  }

  @Test
  void aSuiteIsStoredVersionedAndReadBackByItsTeamOnly() {
    String version =
        trainer()
            .given()
            .contentType("application/yaml")
            .body(SUITE.getBytes(UTF_8))
            .post("/v1/evaluation/suites")
            .then()
            .statusCode(201)
            .body("name", is("smoke"))
            .body("case_count", is(1))
            .body("suite.cases[0].id", is("two"))
            .extract()
            .path("version");
    // the same suite as JSON is the same version: 200, nothing new
    trainer()
        .given()
        .contentType("application/json")
        .body(
            "{\"name\":\"smoke\",\"cases\":[{\"id\":\"two\",\"prompt\":\"What is 1 plus 1?\","
                + "\"expect\":{\"type\":\"exact\",\"value\":\"2\"}}]}")
        .post("/v1/evaluation/suites")
        .then()
        .statusCode(200)
        .body("version", is(version))
        .body("created", is(false));
    String v2 =
        trainer()
            .given()
            .contentType("application/yaml")
            .body(
                (SUITE.replace("\"2\"", "\"two\""))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .post("/v1/evaluation/suites")
            .then()
            .statusCode(201)
            .extract()
            .path("version");
    TestKeys.Key viewer = TestKeys.shared(team, "viewer");
    viewer
        .given()
        .get("/v1/evaluation/suites/smoke")
        .then()
        .statusCode(200)
        .body("version", is(v2))
        .body("versions", is(java.util.List.of(version, v2)));
    viewer
        .given()
        .get("/v1/evaluation/suites/smoke@" + version)
        .then()
        .statusCode(200)
        .body("suite.cases[0].expect.value", is("2"));
    viewer
        .given()
        .get("/v1/evaluation/suites")
        .then()
        .statusCode(200)
        .body("data.size()", is(1))
        .body("data[0].ref", is("smoke@" + v2));
    TestKeys.shared("other-" + team, "viewer")
        .given()
        .get("/v1/evaluation/suites/smoke")
        .then()
        .statusCode(404);
    viewer
        .given()
        .contentType("application/yaml")
        .body(SUITE.getBytes(UTF_8))
        .post("/v1/evaluation/suites")
        .then()
        .statusCode(403);
  }

  void rejected(String suite, String param, String message) {
    trainer()
        .given()
        .contentType("application/yaml")
        .body(suite.getBytes(UTF_8))
        .post("/v1/evaluation/suites")
        .then()
        .statusCode(400)
        .body("error.param", is(param))
        .body("error.message", containsString(message));
  }

  @Test
  void badSuitesAreRejectedNamingTheCaseAndField() {
    rejected(
        SUITE.replace("{type: exact, value: \"2\"}", "{type: regex, value: \"a(\"}"),
        "cases[0].expect.value",
        "case 'two'");
    rejected(
        SUITE.replace("{type: exact, value: \"2\"}", "{type: sounds_like, value: \"2\"}"),
        "cases[0].expect.type",
        "sounds_like");
    rejected(
        SUITE.replace("{type: exact, value: \"2\"}", "{type: json, schema: {type: 12}}"),
        "cases[0].expect.schema",
        "case 'two'");
    rejected("name: smoke\ncases: []\n", "cases", "");
    rejected(
        SUITE
            + """
          - id: two
            prompt: again
            expect: {type: exact, value: "2"}
        """,
        "cases[1].id",
        "two");
    trainer()
        .given()
        .contentType("application/yaml")
        .body("name: [".getBytes(UTF_8))
        .post("/v1/evaluation/suites")
        .then()
        .statusCode(400)
        .body("error.message", startsWith("suite: not valid YAML or JSON"));
  }
}
