package dev.tuneforge.cli.local;

import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.keys.AdminKeyBootstrap;
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
 * Ports are the fixed defaults, or free ones chosen at start ({@code TUNEFORGE_PORTS=free}); either
 * way they are written to {@code <data>/ports.properties} before anything starts (see {@link
 * LocalPorts}), and the stack's endpoints to {@code <data>/stack.properties} once it is ready.
 */
public final class LocalMode {

  /** The component names, in start order. */
  private static final List<String> COMPONENTS =
      List.of(
          "stack",
          "dataset-service",
          "trainer-service",
          "evaluator-service",
          "registry-service",
          "gateway");

  private final Path home;
  private final Path dataDir;
  private final boolean freePorts;
  private final LocalProcesses processes;
  private final PrintStream out;

  /** The installation in {@code dataDir} on the default ports. */
  public LocalMode(Path home, Path dataDir, PrintStream out) {
    this(home, dataDir, false, out);
  }

  /**
   * The installation in {@code dataDir}; with {@code freePorts}, a start with nothing running picks
   * free ports instead of the defaults.
   */
  public LocalMode(Path home, Path dataDir, boolean freePorts, PrintStream out) {
    this.home = home;
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.freePorts = freePorts;
    this.processes = new LocalProcesses(this.dataDir);
    this.out = out;
  }

  public static LocalMode fromEnvironment(PrintStream out) {
    return new LocalMode(
        TuneForge.home(), TuneForge.dataDir(), freePortsFrom(System.getenv()), out);
  }

  /**
   * {@code TUNEFORGE_PORTS}: unset or {@code default} = the fixed ports, {@code free} = any free.
   */
  static boolean freePortsFrom(Map<String, String> env) {
    String v = env.getOrDefault("TUNEFORGE_PORTS", "").strip();
    return switch (v) {
      case "", "default" -> false;
      case "free" -> true;
      default ->
          throw new IllegalArgumentException(
              "TUNEFORGE_PORTS must be 'default' or 'free', found '" + v + "'");
    };
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The admin key file this installation's {@code up} writes. */
  public Path adminKeyFile() {
    return dataDir.resolve("admin-key");
  }

  /** The ports of this installation: those recorded by the last start, else the defaults. */
  public LocalPorts ports() throws IOException {
    Path file = dataDir.resolve(LocalPorts.FILE);
    return Files.exists(file) ? LocalPorts.read(file) : LocalPorts.defaults();
  }

  /** The gateway's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public URI gatewayUrl() throws IOException {
    return ports().gatewayUrl();
  }

  /**
   * The ports to start with: the running installation's when any of it runs, else a new choice,
   * recorded before anything starts.
   */
  private LocalPorts portsForStart() throws IOException {
    if (COMPONENTS.stream().anyMatch(n -> processes.running(n).isPresent())) {
      return ports();
    }
    LocalPorts chosen = freePorts ? LocalPorts.free() : LocalPorts.defaults();
    chosen.write(dataDir.resolve(LocalPorts.FILE));
    return chosen;
  }

  /** Starts the stack unless it runs; returns the service configuration it published. */
  public Map<String, String> stackUp() throws IOException, InterruptedException {
    return stackUp(portsForStart());
  }

  private Map<String, String> stackUp(LocalPorts ports) throws IOException, InterruptedException {
    Path ready = dataDir.resolve("stack.properties");
    if (processes.running("stack").isPresent() && Files.exists(ready)) {
      out.println("stack: already running (" + dataDir + ")");
      return readProperties(ready);
    }
    Files.createDirectories(dataDir);
    Files.deleteIfExists(ready);
    Component stack = Component.stack(home, dataDir, ports);
    requireBuilt(stack);
    for (int port : List.of(ports.kafka(), ports.controller(), ports.s3())) {
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

  /**
   * Stack, four services and gateway; returns once the gateway reports every service UP, with the
   * stack's endpoints (the keys of {@code stack.properties}).
   */
  public Map<String, String> up(Duration timeout) throws IOException, InterruptedException {
    LocalPorts ports = portsForStart();
    List<Component> all = new ArrayList<>(Component.services(home, dataDir, ports));
    all.add(Component.gateway(home, dataDir, ports));
    // Check every build and port before starting anything, so a conflict leaves nothing
    // half-started.
    for (Component c : all) {
      requireBuilt(c);
      if (processes.running(c.name()).isEmpty()) {
        requireFree(c.port(), c.name());
      }
    }
    Map<String, String> config = stackUp(ports);
    try {
      // Before the services start: they read the key topic at start-up and know the key at once.
      AdminKeyBootstrap.ensure(adminKeyFile(), config.get("kafka.bootstrap.servers"), out);
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
      HttpResponse<String> r = gatewayHealth(ports);
      if (r != null) {
        health = r.body();
        if (r.statusCode() == 200) {
          out.println("TuneForge is up: " + ports.gatewayUrl() + "  " + health);
          if (!ports.equals(LocalPorts.defaults())) {
            // The CLI's defaults are the fixed ports: say how to point it (and curl) here.
            out.println(
                "not the default ports; for the CLI: export TUNEFORGE_URL="
                    + ports.gatewayUrl()
                    + " TUNEFORGE_S3_ENDPOINT="
                    + config.get("tuneforge.s3.endpoint")
                    + " TUNEFORGE_DATA="
                    + dataDir);
          }
          return config;
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
    for (String n : COMPONENTS) {
      var p = processes.running(n);
      all &= p.isPresent();
      out.printf("%-18s %s%n", n, p.map(h -> "running (pid " + h.pid() + ")").orElse("stopped"));
    }
    HttpResponse<String> r;
    try {
      r = gatewayHealth(ports());
    } catch (IOException e) {
      out.println("cannot read " + dataDir.resolve(LocalPorts.FILE) + ": " + e.getMessage());
      return 1;
    }
    out.println("gateway health: " + (r == null ? "unreachable" : r.body()));
    return all && r != null && r.statusCode() == 200 ? 0 : 1;
  }

  public int stackStatus() {
    var p = processes.running("stack");
    out.println(
        "stack: " + p.map(h -> "running (pid " + h.pid() + "), data " + dataDir).orElse("stopped"));
    return p.isPresent() ? 0 : 1;
  }

  private HttpResponse<String> gatewayHealth(LocalPorts ports) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(ports.gatewayUrl() + "/q/health"))
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
