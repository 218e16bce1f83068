package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked as data: every service
 * gets every setting it requires, under the environment names Quarkus maps to the config keys.
 */
class ComposeFileTest {

  static final Path ROOT = Path.of("../..");
  static final List<String> SERVICES =
      List.of("dataset-service", "trainer-service", "evaluator-service", "registry-service");

  JsonNode compose() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  /**
   * The keys a service cannot run without: the ones the shared defaults point at local endpoints.
   */
  static List<String> requiredKeys() throws Exception {
    Properties p = new Properties();
    try (InputStream in =
        ComposeFileTest.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
      p.load(in);
    }
    List<String> keys = new ArrayList<>();
    for (String k : p.stringPropertyNames()) {
      if (k.equals("kafka.bootstrap.servers") || k.startsWith("tuneforge.s3.")) {
        keys.add(k);
      }
    }
    assertEquals(5, keys.size(), "kafka.bootstrap.servers and four tuneforge.s3.* keys: " + keys);
    return keys;
  }

  /** Quarkus' environment-variable form of a config key. */
  static String envName(String key) {
    return key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
  }

  @Test
  void everyServiceGetsEveryRequiredSetting() throws Exception {
    JsonNode services = compose().get("services");
    for (String service : SERVICES) {
      JsonNode s = services.get(service);
      assertTrue(s != null, service + " is missing from docker-compose.yml");
      JsonNode build = s.get("build");
      assertEquals("./" + service, build.get("context").asText());
      assertTrue(
          Files.exists(ROOT.resolve(service).resolve(build.get("dockerfile").asText())),
          service + " Dockerfile");
      JsonNode env = s.get("environment");
      for (String key : requiredKeys()) {
        JsonNode v = env.get(envName(key));
        assertTrue(
            v != null && !v.asText().isBlank(),
            service + " lacks " + envName(key) + " (" + key + ")");
      }
      assertTrue(
          s.get("depends_on").has("kafka")
              && s.get("depends_on").has("kafka-init")
              && s.get("depends_on").has("minio-init"),
          service + " waits for Kafka, its topics and the bucket");
    }
  }

  @Test
  void endpointsPointAtTheComposeServices() throws Exception {
    JsonNode services = compose().get("services");
    JsonNode env = services.get("trainer-service").get("environment");
    assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS").asText());
    assertEquals("http://minio:9000", env.get("TUNEFORGE_S3_ENDPOINT").asText());
    assertEquals(
        services.get("minio").get("environment").get("MINIO_ROOT_USER").asText(),
        env.get("TUNEFORGE_S3_ACCESS_KEY").asText());
    assertTrue(
        services
            .get("minio-init")
            .get("entrypoint")
            .toString()
            .contains("tf/" + env.get("TUNEFORGE_S3_BUCKET").asText()));
  }

  @Test
  void gatewayRoutesToEveryService() throws Exception {
    JsonNode gw = compose().get("services").get("gateway");
    JsonNode env = gw.get("environment");
    for (String service : SERVICES) {
      String var = "TUNEFORGE_" + service.replace("-service", "").toUpperCase() + "_URL";
      JsonNode url = env.get(var);
      assertTrue(url != null, "gateway lacks " + var);
      String port =
          compose()
              .get("services")
              .get(service)
              .get("environment")
              .get("QUARKUS_HTTP_PORT")
              .asText();
      assertEquals("http://" + service + ":" + port, url.asText());
    }
    assertEquals("8080:8080", gw.get("ports").get(0).asText());
  }
}
