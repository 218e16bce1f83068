package dev.tuneforge.cli.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The loopback ports of one local installation: the stack's three, one per service, the gateway's.
 * They are chosen when nothing of the installation runs (the fixed defaults, or free ports when
 * {@code TUNEFORGE_PORTS=free}) and kept in {@code <data>/ports.properties}, which the later
 * commands ({@code status}, {@code down}, {@code demo}) read; so two installations with their own
 * data folders (a test's beside a user's) run side by side.
 */
public record LocalPorts(
    int kafka,
    int controller,
    int s3,
    int dataset,
    int trainer,
    int evaluator,
    int registry,
    int gateway) {

  public static final String FILE = "ports.properties";

  /** The ports of {@code ./tuneforge up} unless told otherwise (what the README documents). */
  public static LocalPorts defaults() {
    return new LocalPorts(9092, 9093, 9000, 8081, 8082, 8083, 8084, 8080);
  }

  /**
   * Eight distinct ports the system reports free now. All eight sockets are held open together, so
   * no two are the same; another program may still take one before its component binds it, which
   * start-up reports by port number.
   */
  public static LocalPorts free() {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] p = new int[8];
      for (int i = 0; i < p.length; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        p[i] = s.getLocalPort();
      }
      return new LocalPorts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listening socket that never accepted cannot lose anything
        }
      }
    }
  }

  /** The HTTP port of a service or the gateway, by component name. */
  public int of(String component) {
    return switch (component) {
      case "dataset-service" -> dataset;
      case "trainer-service" -> trainer;
      case "evaluator-service" -> evaluator;
      case "registry-service" -> registry;
      case "gateway" -> gateway;
      case "stack" -> kafka;
      default -> throw new IllegalArgumentException("no local component named " + component);
    };
  }

  public URI gatewayUrl() {
    return URI.create("http://127.0.0.1:" + gateway);
  }

  /** Where the gateway sends each route: the variables {@code Routes.fromEnvironment} reads. */
  public Map<String, String> gatewayRoutes() {
    return Map.of(
        "TUNEFORGE_DATASET_URL", "http://127.0.0.1:" + dataset,
        "TUNEFORGE_TRAINER_URL", "http://127.0.0.1:" + trainer,
        "TUNEFORGE_EVALUATOR_URL", "http://127.0.0.1:" + evaluator,
        "TUNEFORGE_REGISTRY_URL", "http://127.0.0.1:" + registry);
  }

  private Map<String, Integer> asMap() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("kafka", kafka);
    m.put("kafka.controller", controller);
    m.put("s3", s3);
    m.put("dataset-service", dataset);
    m.put("trainer-service", trainer);
    m.put("evaluator-service", evaluator);
    m.put("registry-service", registry);
    m.put("gateway", gateway);
    return m;
  }

  /** Writes the file atomically: a reader sees the old ports or the new, never half of them. */
  public void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("# ports of this local installation (tuneforge up)\n");
    asMap().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads a file {@link #write} wrote; a missing or bad entry is an error naming the key. */
  public static LocalPorts read(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    int[] v = new int[8];
    List<String> keys = new ArrayList<>(defaults().asMap().keySet());
    for (int i = 0; i < v.length; i++) {
      String raw = p.getProperty(keys.get(i));
      try {
        v[i] = Integer.parseInt(raw == null ? "" : raw.strip());
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            file + ": '" + keys.get(i) + "' must be a port number, found " + raw);
      }
      if (v[i] < 1 || v[i] > 65535) {
        throw new IllegalStateException(
            file + ": '" + keys.get(i) + "' must be a port number (1-65535), found " + v[i]);
      }
    }
    return new LocalPorts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
  }
}
