package dev.tuneforge.cli.client;

import dev.tuneforge.cli.TuneForge;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the CLI sends its requests and which key it sends, each from the first source that has it:
 * the command line ({@code --url}, {@code --api-key}), the environment ({@code TUNEFORGE_URL},
 * {@code TUNEFORGE_API_KEY}), the config file ({@code ~/.tuneforge/config}, or {@code
 * TUNEFORGE_CONFIG}), and last the local installation (the gateway at {@link #LOCAL_URL}, the admin
 * key {@code tuneforge up} wrote to {@code $TUNEFORGE_DATA/admin-key}).
 *
 * <p>The config file is two lines, {@code key=value} or {@code key: value} (so a small YAML file
 * reads the same):
 *
 * <pre>
 * url=https://tuneforge.example.com
 * key=tf-...
 * </pre>
 *
 * @param url the base URL, without a trailing slash
 * @param key the API key, or null when no source has one
 * @param keySource where the key came from, for the error when the server refuses it
 */
public record ClientConfig(URI url, String key, String keySource) {

  /** The local gateway that {@code tuneforge up} starts. */
  public static final String LOCAL_URL = "http://127.0.0.1:8080";

  /** Resolves from this process's environment and files. */
  public static ClientConfig resolve(String urlOption, String keyOption) {
    String configEnv = System.getenv("TUNEFORGE_CONFIG");
    Path config =
        configEnv != null && !configEnv.isBlank()
            ? Path.of(configEnv)
            : Path.of(System.getProperty("user.home"), ".tuneforge", "config");
    return resolve(urlOption, keyOption, System.getenv(), config, adminKeyFile());
  }

  /** The pure resolution, every source given. */
  public static ClientConfig resolve(
      String urlOption,
      String keyOption,
      Map<String, String> env,
      Path configFile,
      Path adminKeyFile) {
    Properties file = read(configFile);
    String url =
        first(urlOption, env.get("TUNEFORGE_URL"), file.getProperty("url"), LOCAL_URL).strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: '" + url + "' (" + e.getMessage() + ")");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the TuneForge URL must be http(s)://host[:port], was '" + url + "'");
    }
    if (present(keyOption)) {
      return new ClientConfig(uri, keyOption.strip(), "--api-key");
    }
    if (present(env.get("TUNEFORGE_API_KEY"))) {
      return new ClientConfig(uri, env.get("TUNEFORGE_API_KEY").strip(), "TUNEFORGE_API_KEY");
    }
    if (present(file.getProperty("key"))) {
      return new ClientConfig(uri, file.getProperty("key").strip(), configFile.toString());
    }
    Optional<String> admin = readKey(adminKeyFile);
    return admin
        .map(k -> new ClientConfig(uri, k, adminKeyFile.toString()))
        .orElseGet(() -> new ClientConfig(uri, null, null));
  }

  /** The key, or an error saying every place that was looked at. */
  public String requireKey() {
    if (key == null) {
      throw new ApiError(
          "no API key: pass --api-key, set TUNEFORGE_API_KEY, put key=... in ~/.tuneforge/config,"
              + " or run `./tuneforge up` once to create "
              + adminKeyFile());
    }
    return key;
  }

  /** {@code $TUNEFORGE_DATA/admin-key}, written by the first {@code tuneforge up}. */
  public static Path adminKeyFile() {
    return TuneForge.dataDir().toAbsolutePath().normalize().resolve("admin-key");
  }

  private static Properties read(Path file) {
    Properties p = new Properties();
    if (file == null || !Files.isRegularFile(file)) {
      return p;
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read the config file " + file + ": " + e.getMessage(), e);
    }
    for (String name : p.stringPropertyNames()) {
      if (!name.equals("url") && !name.equals("key")) {
        throw new IllegalArgumentException(
            "config file " + file + ": unknown setting '" + name + "' (known: url, key)");
      }
      // a YAML reader would drop quotes: do the same
      String v = p.getProperty(name).strip();
      if (v.length() >= 2
          && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
        p.setProperty(name, v.substring(1, v.length() - 1));
      }
    }
    return p;
  }

  private static Optional<String> readKey(Path file) {
    if (file == null || !Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file).strip()).filter(s -> !s.isEmpty());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the API key from " + file + ": " + e.getMessage(), e);
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (present(v)) {
        return v;
      }
    }
    throw new IllegalStateException("no default");
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
