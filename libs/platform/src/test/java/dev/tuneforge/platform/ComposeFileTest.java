package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tuneforge.gateway.Routes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked as data: every service
 * gets every setting its configuration reads (and nothing it does not read, so a typo fails), under
 * the environment names Quarkus maps to the config keys; everything waits for what it needs to be
 * healthy; the gateway routes to every service.
 */
class ComposeFileTest {

  static final Path ROOT = ServiceConfig.ROOT;
  static final List<String> SERVICES = ServiceConfig.SERVICES;

  static JsonNode compose() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  static JsonNode service(String name) throws Exception {
    JsonNode s = compose().get("services").get(name);
    assertTrue(s != null, "docker-compose.yml has no service " + name);
    return s;
  }

  @Test
  void everyServiceGetsEverySettingItReadsAndNoOther() throws Exception {
    for (String name : SERVICES) {
      ServiceConfig config = ServiceConfig.of(name);
      JsonNode env = service(name).get("environment");
      assertTrue(env != null, name + " has no environment");
      for (String var : config.requiredEnvironment()) {
        JsonNode v = env.get(var);
        assertTrue(v != null && !v.asText().isBlank(), name + " lacks " + var);
      }
      assertEquals(
          String.valueOf(config.httpPort()),
          env.get("QUARKUS_HTTP_PORT").asText(),
          name + ": QUARKUS_HTTP_PORT is the port of its application.properties");
      env.fieldNames()
          .forEachRemaining(
              var ->
                  assertTrue(
                      config.reads(var),
                      name + " is given " + var + ", which no configuration key of it reads"));
    }
  }

  @Test
  void everyServiceIsBuiltFromTheRepositoryAndHealthChecked() throws Exception {
    for (String name : SERVICES) {
      JsonNode s = service(name);
      JsonNode build = s.get("build");
      assertEquals(".", build.get("context").asText(), name + " builds from the repository root");
      assertTrue(
          Files.exists(ROOT.resolve(build.get("dockerfile").asText())),
          name + ": " + build.get("dockerfile").asText() + " exists");
      assertEquals("service", build.get("target").asText(), name);
      assertEquals(name, build.at("/args/SERVICE").asText(), name + " builds its own module");
      assertTrue(
          Files.exists(ROOT.resolve(name).resolve("pom.xml")),
          name + " is a module of the reactor");
      String port = String.valueOf(ServiceConfig.of(name).httpPort());
      assertTrue(
          s.at("/healthcheck/test").toString().contains("localhost:" + port + "/q/health/ready"),
          name + " is health-checked on its readiness endpoint");
    }
  }

  @Test
  void everyServiceWaitsForHealthyKafkaMinioTopicsAndBucket() throws Exception {
    for (String name : SERVICES) {
      JsonNode deps = service(name).get("depends_on");
      assertEquals("service_healthy", deps.at("/kafka/condition").asText(), name + " / kafka");
      assertEquals("service_healthy", deps.at("/minio/condition").asText(), name + " / minio");
      assertEquals(
          "service_completed_successfully",
          deps.at("/kafka-init/condition").asText(),
          name + " / kafka-init");
      assertEquals(
          "service_completed_successfully",
          deps.at("/minio-init/condition").asText(),
          name + " / minio-init");
    }
    for (String infra : List.of("kafka", "minio")) {
      assertTrue(service(infra).has("healthcheck"), infra + " has a healthcheck");
    }
  }

  @Test
  void endpointsAndCredentialsPointAtTheComposeServices() throws Exception {
    JsonNode minio = service("minio").get("environment");
    for (String name : SERVICES) {
      JsonNode env = service(name).get("environment");
      assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS").asText(), name);
      assertEquals("http://minio:9000", env.get("TUNEFORGE_S3_ENDPOINT").asText(), name);
      assertEquals(
          minio.get("MINIO_ROOT_USER").asText(), env.get("TUNEFORGE_S3_ACCESS_KEY").asText(), name);
      assertEquals(
          minio.get("MINIO_ROOT_PASSWORD").asText(),
          env.get("TUNEFORGE_S3_SECRET_KEY").asText(),
          name);
      assertTrue(
          service("minio-init")
              .get("entrypoint")
              .toString()
              .contains("mc mb --ignore-existing tf/" + env.get("TUNEFORGE_S3_BUCKET").asText()),
          "minio-init creates the bucket " + name + " uses");
    }
    assertEquals(
        "false",
        service("kafka").at("/environment/KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText(),
        "topics come from the topic table only");
  }

  @Test
  void registryDownloadUrlsAreSignedForTheS3PortPublishedToTheHost() throws Exception {
    // `tuneforge adapters download` on the host follows presigned URLs: they must name an
    // address the host reaches (MinIO's published port), not the compose-internal minio:9000
    String endpoint =
        service("registry-service")
            .at("/environment/TUNEFORGE_REGISTRY_DOWNLOAD_ENDPOINT")
            .asText();
    assertEquals("http://localhost:9000", endpoint);
    assertTrue(
        service("minio").get("ports").toString().contains(":9000:9000"),
        "minio publishes the S3 port the download URLs name");
  }

  @Test
  void theAdminKeyIsBootstrappedOnceTheKeyTopicExists() throws Exception {
    JsonNode s = service("admin-key");
    List<String> command = new ArrayList<>();
    s.get("command").forEach(c -> command.add(c.asText()));
    assertEquals(
        List.of("keys", "bootstrap", "--kafka", "kafka:9092", "--file", "/keys/admin-key"),
        command);
    assertEquals("cli", s.at("/build/target").asText(), "the CLI image runs it");
    assertEquals(
        "service_completed_successfully",
        s.at("/depends_on/kafka-init/condition").asText(),
        "it writes to the key topic, so it waits for kafka-init");
    assertEquals("admin-key:/keys", s.at("/volumes/0").asText(), "the secret outlives the run");
  }

  @Test
  void gatewayRoutesEveryPathToTheRightServiceAndWaitsForThem() throws Exception {
    JsonNode gw = service("gateway");
    Map<String, String> env = new HashMap<>();
    gw.get("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    Routes routes = Routes.fromEnvironment(env);
    for (Routes.Service s : routes.services()) {
      int port = ServiceConfig.of(s.name()).httpPort();
      assertEquals(
          "http://" + s.name() + ":" + port,
          s.baseUrl().toString(),
          "the gateway reaches " + s.name() + " (set its TUNEFORGE_*_URL)");
      assertEquals(
          "service_healthy",
          gw.at("/depends_on/" + s.name() + "/condition").asText(),
          "gateway waits for " + s.name());
    }
    assertEquals(
        new java.util.TreeSet<>(SERVICES),
        new java.util.TreeSet<>(routes.services().stream().map(Routes.Service::name).toList()));
    assertEquals("8080:8080", gw.get("ports").get(0).asText());
    assertEquals(
        "0.0.0.0", env.get("TUNEFORGE_GATEWAY_HOST"), "reachable from outside its container");
    assertTrue(gw.at("/healthcheck/test").toString().contains("/q/health/ready"));
  }

  @Test
  void everyNamedVolumeIsDeclared() throws Exception {
    JsonNode root = compose();
    root.get("services")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode volumes = e.getValue().get("volumes");
              if (volumes == null) {
                return;
              }
              for (JsonNode v : volumes) {
                String source = v.asText().split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                  assertTrue(
                      root.at("/volumes").has(source),
                      e.getKey() + " uses volume " + source + ", not declared under volumes:");
                }
              }
            });
  }
}
