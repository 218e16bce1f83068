package dev.tuneforge.platform;

import dev.tuneforge.events.TopicSpec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.gateway.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a service's configuration says it needs, read from its application.properties, the shared
 * defaults of libs/platform and the config keys its code (and libs/platform's) injects: the
 * environment it must be given, and the topics and consumer groups it uses. docker-compose and the
 * Kubernetes manifests are checked against this, so a key or topic added to a service shows up as a
 * failing deployment test instead of a service that cannot start (or a KafkaUser it cannot use).
 */
final class ServiceConfig {

  static final Path ROOT = Path.of("../..");
  static final List<String> SERVICES = Topics.SERVICES;

  /**
   * How a service uses a topic; {@link #EITHER} when its key does not say (a view or a publisher).
   */
  enum Use {
    READ,
    WRITE,
    EITHER
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");
  private static final Pattern CONFIG_PROPERTY =
      Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern CONFIG_MAPPING =
      Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");

  /** A TUNEFORGE_* name in code: the variables libraries read with System.getenv. */
  private static final Pattern ENV_LITERAL = Pattern.compile("\"(TUNEFORGE_[A-Z0-9_]+)\"");

  /** The libraries a service runs (libs/gateway and libs/stack are separate processes). */
  static final List<String> SERVICE_LIBS =
      List.of("libs/platform", "libs/storage", "libs/llm", "libs/events", "libs/artifact-format");

  private static final Pattern CHANNEL_TOPIC =
      Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.topics?");

  final String service;
  final Properties own;
  final Properties shared;

  private ServiceConfig(String service, Properties own, Properties shared) {
    this.service = service;
    this.own = own;
    this.shared = shared;
  }

  static ServiceConfig of(String service) {
    Properties own = new Properties();
    Path file = ROOT.resolve(service).resolve("src/main/resources/application.properties");
    try (Reader r = Files.newBufferedReader(file)) {
      own.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new ServiceConfig(service, own, sharedDefaults());
  }

  static Properties sharedDefaults() {
    Properties p = new Properties();
    try (InputStream in =
        ServiceConfig.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  String value(String key) {
    return own.getProperty(key, shared.getProperty(key));
  }

  /** quarkus.http.port of this service: the port every deployment must give it. */
  int httpPort() {
    return Integer.parseInt(own.getProperty("quarkus.http.port"));
  }

  /** Quarkus' environment-variable form of a config key. */
  static String envName(String key) {
    return key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
  }

  /**
   * The environment a deployment must set: the keys whose defaults point at the embedded stack
   * (Kafka brokers, the S3 endpoint, credentials, bucket), every {@code ${ENV}} the configuration
   * reads, and the service's HTTP port.
   */
  Set<String> requiredEnvironment() {
    Set<String> env = new TreeSet<>();
    for (Properties p : List.of(shared, own)) {
      for (String k : p.stringPropertyNames()) {
        if (k.equals("kafka.bootstrap.servers") || k.startsWith("tuneforge.s3.")) {
          env.add(envName(k));
        }
        Matcher m = PLACEHOLDER.matcher(p.getProperty(k));
        while (m.find()) {
          env.add(m.group(1));
        }
      }
    }
    env.add("QUARKUS_HTTP_PORT");
    return env;
  }

  /**
   * Whether {@code var} is a setting this service reads: the environment form of a key in its
   * configuration or injected by its code or libs/platform's, an {@code ${ENV}} placeholder, a
   * Kafka client setting ({@code KAFKA_*}, passed to every client) or a Quarkus setting.
   */
  boolean reads(String var) {
    if (var.startsWith("KAFKA_") || var.startsWith("QUARKUS_") || var.equals("JAVA_OPTS")) {
      return true;
    }
    if (requiredEnvironment().contains(var)) {
      return true;
    }
    for (Properties p : List.of(shared, own)) {
      for (String k : p.stringPropertyNames()) {
        if (envName(k).equals(var)) {
          return true;
        }
      }
    }
    for (String k : keysReadByCode()) {
      if (envName(k).equals(var) || var.startsWith(envName(k) + "_")) {
        return true;
      }
    }
    return envReadByCode().contains(var);
  }

  /** TUNEFORGE_* variables named in the code of the service and the libraries it runs. */
  Set<String> envReadByCode() {
    Set<String> vars = new TreeSet<>();
    List<Path> sources = new java.util.ArrayList<>();
    sources.add(ROOT.resolve(service).resolve("src/main/java"));
    SERVICE_LIBS.forEach(l -> sources.add(ROOT.resolve(l).resolve("src/main/java")));
    for (Path src : sources) {
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = ENV_LITERAL.matcher(Files.readString(f));
          while (m.find()) {
            vars.add(m.group(1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return vars;
  }

  /** Config keys (and mapping prefixes) the service's and libs/platform's code inject. */
  Set<String> keysReadByCode() {
    Set<String> keys = new TreeSet<>();
    for (Path src :
        List.of(
            ROOT.resolve(service).resolve("src/main/java"),
            ROOT.resolve("libs/platform/src/main/java"))) {
      if (!Files.isDirectory(src)) {
        continue; // a service with configuration only, so far
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String text = Files.readString(f);
          for (Pattern p : List.of(CONFIG_PROPERTY, CONFIG_MAPPING)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
              keys.add(m.group(1));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return keys;
  }

  /**
   * Every topic this service uses and how: the topics its configuration names (incoming channels
   * read, outgoing channels and dead-letter queues write, other keys either), plus what
   * libs/platform does in every service: read the API key topic, and read and write its own
   * dead-letter topic (views move undecodable records there once). The service the gateway routes
   * {@code /v1/keys} to also writes the API key topic.
   */
  Map<String, Set<Use>> topics() {
    Map<String, Set<Use>> out = new LinkedHashMap<>();
    for (String key : new TreeSet<>(own.stringPropertyNames())) {
      Use use;
      Matcher channel = CHANNEL_TOPIC.matcher(key);
      if (channel.matches()) {
        use = channel.group(1).equals("incoming") ? Use.READ : Use.WRITE;
      } else if (key.endsWith(".dead-letter-queue.topic")) {
        use = Use.WRITE;
      } else {
        use = Use.EITHER;
      }
      for (String token : own.getProperty(key).split(",")) {
        String t = token.trim();
        if (Topics.spec(t).isPresent()) {
          out.computeIfAbsent(t, x -> EnumSet.noneOf(Use.class)).add(use);
        }
      }
    }
    String keysTopic = own.getProperty("tuneforge.api-keys.topic", Topics.API_KEYS);
    out.computeIfAbsent(keysTopic, x -> EnumSet.noneOf(Use.class)).add(Use.READ);
    if (routesKeysHere()) {
      out.get(keysTopic).add(Use.WRITE);
    }
    out.computeIfAbsent(Topics.deadLetter(service), x -> EnumSet.noneOf(Use.class))
        .addAll(EnumSet.of(Use.READ, Use.WRITE));
    return out;
  }

  /** The consumer groups of its incoming channels (Quarkus' default: the application name). */
  Set<String> groups() {
    Set<String> groups = new TreeSet<>();
    for (String key : own.stringPropertyNames()) {
      Matcher channel = CHANNEL_TOPIC.matcher(key);
      if (channel.matches() && channel.group(1).equals("incoming")) {
        groups.add(
            own.getProperty(
                "mp.messaging.incoming." + channel.group(2) + ".group.id",
                own.getProperty("quarkus.application.name")));
      }
    }
    return groups;
  }

  private boolean routesKeysHere() {
    return Routes.fromEnvironment(Map.of())
        .route("/v1/keys")
        .map(s -> s.name().equals(service))
        .orElse(false);
  }

  /** Every topic of the table, for checks that must cover all of them. */
  static List<String> tableTopics() {
    return Topics.SPECS.stream().map(TopicSpec::name).toList();
  }
}
