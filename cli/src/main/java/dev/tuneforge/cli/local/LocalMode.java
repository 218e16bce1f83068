package dev.tuneforge.cli.local;

import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.keys.AdminKeyBootstrap;
import dev.tuneforge.cli.keys.ApiKeyFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded mode as a whole: stack first, then the services, then the gateway; stop in reverse.
 */
public final class LocalMode {

  private final Path home;
  private final Path dataDir;
  private final LocalProcesses processes;
  private final PrintStream out;

  public LocalMode(Path home, Path dataDir, PrintStream out) {
    this.home = home;
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.processes = new LocalProcesses(this.dataDir);
    this.out = out;
  }

  public static LocalMode fromEnvironment(PrintStream out) {
    return new LocalMode(TuneForge.home(), TuneForge.dataDir(), out);
  }

  /** Starts the stack unless it runs; returns the service configuration it published. */
  public Map<String, String> stackUp() throws IOException, InterruptedException {
    Path ready = dataDir.resolve("stack.properties");
    if (processes.running("stack").isPresent() && Files.exists(ready)) {
      out.println("stack: already running (" + dataDir + ")");
      return readProperties(ready);
    }
    Files.createDirectories(dataDir);
    Files.deleteIfExists(ready);
    Component stack = Component.stack(home, dataDir);
    requireBuilt(stack);
    for (int port : List.of(9092, 9093, 9000)) {
      requireFree(port, "stack");
    }
    ProcessHandle h = processes.start(stack);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!Files.exists(ready)) {
      if (!h.isAlive()) {
        throw new IllegalStateException(
            "the stack exited during start-up:\n" + processes.tail("stack", 20));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the stack did not become ready in 90 s; see " + processes.logFile("stack"));
      }
      Thread.sleep(100);
    }
    Map<String, String> config = readProperties(ready);
    out.println(
        "stack: Kafka "
            + config.get("kafka.bootstrap.servers")
            + ", S3 "
            + config.get("tuneforge.s3.endpoint")
            + ", data "
            + dataDir);
    return config;
  }

  public void stackDown() throws IOException {
    out.println(
        processes.stop("stack", Duration.ofSeconds(30)) ? "stack: stopped" : "stack: not running");
  }

  /** Stack, four services and gateway; returns once the gateway reports every service UP. */
  public void up(Duration timeout) throws IOException, InterruptedException {
    List<Component> all = new ArrayList<>(Component.services(home));
    all.add(Component.gateway(home));
    // Check every build and port before starting anything, so a conflict leaves nothing
    // half-started.
    for (Component c : all) {
      requireBuilt(c);
      if (processes.running(c.name()).isEmpty()) {
        requireFree(c.port(), c.name());
      }
    }
    Map<String, String> config = stackUp();
    try {
      // Before the services start: they read the key topic at start-up and know the key at once.
      AdminKeyBootstrap.ensure(
          ApiKeyFile.adminKeyFile(), config.get("kafka.bootstrap.servers"), out);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the first admin key: " + e.getMessage(), e);
    }
    for (Component c : all) {
      if (processes.running(c.name()).isPresent()) {
        out.println(c.name() + ": already running");
      } else {
        processes.start(c.withStack(config));
        out.println(
            c.name()
                + ": starting on 127.0.0.1:"
                + c.port()
                + " (log "
                + processes.logFile(c.name())
                + ")");
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String health = "";
    while (System.nanoTime() < deadline) {
      for (Component c : all) {
        if (processes.running(c.name()).isEmpty()) {
          throw new IllegalStateException(
              c.name() + " exited during start-up:\n" + processes.tail(c.name(), 30));
        }
      }
      HttpResponse<String> r = gatewayHealth();
      if (r != null) {
        health = r.body();
        if (r.statusCode() == 200) {
          out.println(
              "TuneForge is up: http://127.0.0.1:" + Component.GATEWAY_PORT + "  " + health);
          return;
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "not every service became ready in " + timeout.toSeconds() + " s: " + health);
  }

  public void down() throws IOException {
    List<String> names =
        new ArrayList<>(
            List.of(
                "gateway",
                "registry-service",
                "evaluator-service",
                "trainer-service",
                "dataset-service"));
    for (String n : names) {
      if (processes.stop(n, Duration.ofSeconds(30))) {
        out.println(n + ": stopped");
      }
    }
    stackDown();
  }

  /** Exit code 0 when everything runs and the gateway says UP. */
  public int status() {
    boolean all = true;
    for (String n :
        List.of(
            "stack",
            "dataset-service",
            "trainer-service",
            "evaluator-service",
            "registry-service",
            "gateway")) {
      var p = processes.running(n);
      all &= p.isPresent();
      out.printf("%-18s %s%n", n, p.map(h -> "running (pid " + h.pid() + ")").orElse("stopped"));
    }
    HttpResponse<String> r = gatewayHealth();
    out.println("gateway health: " + (r == null ? "unreachable" : r.body()));
    return all && r != null && r.statusCode() == 200 ? 0 : 1;
  }

  public int stackStatus() {
    var p = processes.running("stack");
    out.println(
        "stack: " + p.map(h -> "running (pid " + h.pid() + "), data " + dataDir).orElse("stopped"));
    return p.isPresent() ? 0 : 1;
  }

  private HttpResponse<String> gatewayHealth() {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + Component.GATEWAY_PORT + "/q/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void requireBuilt(Component c) {
    for (String part : c.command()) {
      if (part.endsWith(".jar") && !Files.exists(Path.of(part))) {
        throw new IllegalStateException(
            c.name()
                + " is not built ("
                + part
                + " missing): run `mvn -B -DskipTests package` in "
                + home);
      }
    }
  }

  private static void requireFree(int port, String who) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " on 127.0.0.1, needed by "
              + who
              + ", is already in use by another program: stop it (`ss -ltnp 'sport = :"
              + port
              + "'` shows which)");
    }
  }

  private static Map<String, String> readProperties(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    Map<String, String> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, (String) v));
    return m;
  }
}
