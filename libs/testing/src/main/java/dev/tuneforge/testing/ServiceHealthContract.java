package dev.tuneforge.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

/**
 * What every TuneForge service promises operators: live, ready only while the Kafka broker and the
 * object store answer and its views have caught up, started, and Prometheus metrics. A service's
 * test extends this class with {@code @QuarkusTest @WithTestResource(RealStackResource.class)}.
 */
public abstract class ServiceHealthContract {

  @Test
  void readyOnlyWithKafkaAndObjectStore() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body(
            "checks.name",
            hasItems("object-store", "Kafka connection health check", "kafka-views"));
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void exportsPrometheusMetrics() {
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
  }
}
