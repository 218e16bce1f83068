package dev.tuneforge.testing;

import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service's packaged Quarkus app ({@code target/quarkus-app}, or {@code -Dtuneforge.app.jar}) as
 * a child JVM on an embedded stack, on a free port with its output in a log file: for the tests
 * that kill a service, restart it or run two replicas of it.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The app's jar: {@code -Dtuneforge.app.jar}, else the module's own packaged app. */
  public static Path appJar() {
    return Path.of(System.getProperty("tuneforge.app.jar", "target/quarkus-app/quarkus-run.jar"));
  }

  /**
   * Starts the app with the stack's settings, then {@code jvmOptions} (heap, {@code -Dkey=value}
   * overrides), on a free port; does not wait for it (see {@link #awaitReady}).
   */
  public static ServiceProcess start(LocalStack stack, Path log, List<String> jvmOptions)
      throws IOException {
    int port = Ports.free();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    stack.serviceConfig().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(appJar().toString());
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServiceProcess(p, port, log);
  }

  public Process process() {
    return process;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Waits for /q/health/ready to say UP (every view caught up); fails with the log otherwise. */
  public ServiceProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        var r =
            HTTP.send(
                HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "service not ready on port " + port + "; log " + log + ":\n" + Files.readString(log));
  }

  /** Waits until the service's log contains {@code text}. */
  public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      if (Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in the log " + log + ":\n" + Files.readString(log));
  }

  /** SIGKILL: no shutdown hook runs, nothing is committed or closed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as a rolling deploy does; true when the JVM ended within the timeout. */
  public boolean stop(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (!stop(Duration.ofSeconds(30))) {
      kill();
    }
  }
}
