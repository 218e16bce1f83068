package dev.tuneforge.llm.model;

import dev.tuneforge.llm.config.ModelConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The up-front memory check of a model load: the bytes the model will hold (weights as its linear
 * factory keeps them, float32 compute for everything else, plus a KV cache for the requested
 * length) against the bytes this process may still take, refused with both figures before a single
 * weight is read. Weights and caches are native memory, so the JVM's max heap says nothing here;
 * the limit is {@value #PROPERTY} (or {@value #ENV}) when set (bytes, or with a k/m/g/t suffix),
 * else what the machine reports available: {@code MemAvailable} of {@code /proc/meminfo}, capped by
 * a cgroup v2 limit, or the OS bean's free memory where neither exists.
 */
public final class MemoryBudget {
  public static final String PROPERTY = "tuneforge.memory.limit";
  public static final String ENV = "TUNEFORGE_MEMORY_LIMIT";

  private MemoryBudget() {}

  /**
   * What a model will hold.
   *
   * @param weightBytes parameters as resident after the load
   * @param kvCacheBytes keys and values of every layer for {@code contextTokens} tokens, float32
   * @param parameters parameter count
   */
  public record Estimate(long parameters, long weightBytes, long kvCacheBytes, long contextTokens) {
    public long totalBytes() {
      return saturatingAdd(weightBytes, kvCacheBytes);
    }
  }

  /**
   * @param contextTokens tokens the KV cache must hold (batch × length)
   */
  public static Estimate estimate(
      ModelConfig c, Architecture arch, LinearFactory linears, long contextTokens) {
    long params = 0;
    long bytes = 0;
    String embed = arch.names().embed() + ".weight";
    for (Map.Entry<String, long[]> t : arch.expectedTensors(c).entrySet()) {
      long[] shape = t.getValue();
      long n = 1;
      for (long d : shape) {
        n = saturatingMultiply(n, d);
      }
      params = saturatingAdd(params, n);
      boolean linear =
          shape.length == 2 && t.getKey().endsWith(".weight") && !t.getKey().equals(embed);
      long resident =
          linear
              ? linears.residentBytes(
                  t.getKey().substring(0, t.getKey().length() - ".weight".length()), shape)
              : saturatingMultiply(n, Float.BYTES);
      bytes = saturatingAdd(bytes, resident);
    }
    // keys + values, [layers, kvHeads * headDim] per token, float32
    long perToken = saturatingMultiply(2L * c.numLayers() * c.kvDim(), Float.BYTES);
    return new Estimate(params, bytes, saturatingMultiply(perToken, contextTokens), contextTokens);
  }

  /** Throws, with both figures, when {@code e} does not fit in {@code limitBytes}. */
  public static void require(Estimate e, long limitBytes, String what) {
    if (e.totalBytes() > limitBytes) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s needs about %s (%,d parameters: %s of weights, float32, plus %s of KV cache for %,d tokens)"
                  + " but this process may use %s (%s); refused before loading",
              what,
              human(e.totalBytes()),
              e.parameters(),
              human(e.weightBytes()),
              human(e.kvCacheBytes()),
              e.contextTokens(),
              human(limitBytes),
              limitSource()));
    }
  }

  /**
   * The bytes a load may take: the configured limit, else the memory the machine reports available.
   */
  public static long limitBytes() {
    String configured = configured();
    if (configured != null) {
      return parseBytes(configured);
    }
    long available = Long.MAX_VALUE;
    Long meminfo = memAvailable();
    if (meminfo != null) {
      available = meminfo;
    } else if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      available = os.getFreeMemorySize();
    }
    Long cgroup = cgroupRemaining();
    return cgroup == null ? available : Math.min(available, cgroup);
  }

  private static String configured() {
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return p.trim();
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? null : env.trim();
  }

  private static String limitSource() {
    if (System.getProperty(PROPERTY) != null && !System.getProperty(PROPERTY).isBlank()) {
      return "-D" + PROPERTY;
    }
    return configured() != null
        ? ENV
        : "available memory; set " + ENV + " or -D" + PROPERTY + " to change";
  }

  /** {@code 123}, {@code 512m}, {@code 8g}, {@code 1.5t} → bytes; errors name the setting. */
  public static long parseBytes(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty()) {
      char last = t.charAt(t.length() - 1);
      int shift =
          switch (last) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
          };
      if (shift > 0) {
        unit = 1L << shift;
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      double v = Double.parseDouble(t);
      if (!(v > 0) || v * unit >= Long.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (long) (v * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          ENV + " / " + PROPERTY + " must be a positive size such as 8g, got '" + s + "'");
    }
  }

  /** {@code MemAvailable} of /proc/meminfo in bytes, or null off Linux. */
  static Long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          String[] f = line.split("\\s+");
          return Long.parseLong(f[1]) * 1024; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall back to the OS bean
    }
    return null;
  }

  /**
   * cgroup v2: memory.max − memory.current of this process's group, or null when unlimited/absent.
   */
  static Long cgroupRemaining() {
    try {
      Path dir = Path.of("/sys/fs/cgroup");
      List<String> self = Files.readAllLines(Path.of("/proc/self/cgroup"));
      for (String line : self) {
        if (line.startsWith("0::")) {
          Path g = dir.resolve(line.substring(3).replaceFirst("^/", ""));
          Path max = g.resolve("memory.max");
          Path current = g.resolve("memory.current");
          if (Files.isRegularFile(max) && Files.isRegularFile(current)) {
            String m = Files.readString(max).trim();
            if (m.equals("max")) {
              return null;
            }
            return Math.max(
                0, Long.parseLong(m) - Long.parseLong(Files.readString(current).trim()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no cgroup v2 limit readable
    }
    return null;
  }

  static String human(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 8 EiB";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u])
        + " ("
        + String.format(Locale.ROOT, "%,d", bytes)
        + " bytes)";
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
  }
}
