package dev.tuneforge.cli.platform;

import dev.tuneforge.cli.keys.AdminKeyBootstrap;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.Ports;
import dev.tuneforge.stack.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real services (their packaged quarkus-apps, as {@code tuneforge up} runs them) on the
 * embedded Kafka broker and S3 server, each on a free port, with an admin key written to the key
 * topic the way {@code up} writes it. The CLI's commands run in-process against them; each command
 * is pointed at the service that serves its path (the gateway only forwards by path prefix).
 */
final class RealPlatform implements AutoCloseable {

  /** A running service: its process, URL and log. */
  record Service(String name, Process process, URI url, Path log) {}

  final LocalStack stack;
  final Map<String, String> stackConfig;
  final String adminKey;
  final Map<String, Service> services = new LinkedHashMap<>();

  private RealPlatform(LocalStack stack, String adminKey) {
    this.stack = stack;
    this.stackConfig = stack.serviceConfig();
    this.adminKey = adminKey;
  }

  static Path jar(String service) {
    return Path.of("../" + service + "/target/quarkus-app/quarkus-run.jar");
  }

  /**
   * Starts the stack and {@code names} (with their heaps), all at once; returns when all are ready.
   */
  static RealPlatform start(Path dir, Map<String, String> heaps) throws Exception {
    return start(dir, heaps, Map.of());
  }

  /** As {@link #start(Path, Map)}, with {@code env} added to every service's environment. */
  static RealPlatform start(Path dir, Map<String, String> heaps, Map<String, String> env)
      throws Exception {
    for (String name : heaps.keySet()) {
      if (!Files.exists(jar(name))) {
        throw new IllegalStateException(
            jar(name).toAbsolutePath()
                + " is missing: build with the reactor (mvn -pl cli -am verify packages it)");
      }
    }
    LocalStack stack =
        LocalStack.start(StackSettings.defaults(dir.resolve("stack")).withFreePorts());
    RealPlatform platform = null;
    try {
      Path keyFile = dir.resolve("admin-key");
      AdminKeyBootstrap.ensure(
          keyFile,
          stack.serviceConfig().get("kafka.bootstrap.servers"),
          new PrintStream(new ByteArrayOutputStream()));
      platform = new RealPlatform(stack, Files.readString(keyFile).strip());
      for (var e : heaps.entrySet()) {
        platform.launch(dir, e.getKey(), e.getValue(), env);
      }
      platform.awaitReady(Duration.ofSeconds(240));
      return platform;
    } catch (Exception | Error e) {
      if (platform != null) {
        platform.close();
      } else {
        stack.close();
      }
      throw e;
    }
  }

  private void launch(Path dir, String name, String heap, Map<String, String> env)
      throws Exception {
    int port = Ports.free();
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap,
                    "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp-" + name)),
                    "-Dai.djl.pytorch.num_threads=1",
                    "-jar",
                    jar(name).toAbsolutePath().toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> c = stackConfig;
    pb.environment()
        .putAll(
            Map.of(
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "KAFKA_BOOTSTRAP_SERVERS", c.get("kafka.bootstrap.servers"),
                "TUNEFORGE_S3_ENDPOINT", c.get("tuneforge.s3.endpoint"),
                "TUNEFORGE_S3_ACCESS_KEY", c.get("tuneforge.s3.access-key"),
                "TUNEFORGE_S3_SECRET_KEY", c.get("tuneforge.s3.secret-key"),
                "TUNEFORGE_S3_BUCKET", c.get("tuneforge.s3.bucket")));
    pb.environment().putAll(env);
    services.put(name, new Service(name, pb.start(), URI.create("http://127.0.0.1:" + port), log));
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Service> waiting = new ArrayList<>(services.values());
    while (!waiting.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "not ready in " + timeout.toSeconds() + " s: " + waiting.get(0).log());
      }
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Service s = it.next();
        if (!s.process().isAlive()) {
          throw new IllegalStateException(
              s.name() + " exited during start-up:\n" + Files.readString(s.log()));
        }
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(s.url().resolve("/q/health/ready")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            it.remove();
          }
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
      }
      Thread.sleep(250);
    }
  }

  URI url(String service) {
    return services.get(service).url();
  }

  /** GET with the admin key, the body as the server sent it (to compare --output json with). */
  String get(String service, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(url(service).resolve(path))
                .header("Authorization", "Bearer " + adminKey)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() throws Exception {
    for (Service s : services.values()) {
      s.process().destroy();
    }
    for (Service s : services.values()) {
      if (!s.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        s.process().destroyForcibly();
      }
    }
    stack.close();
  }
}
