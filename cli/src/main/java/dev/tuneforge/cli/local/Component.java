package dev.tuneforge.cli.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One process of the embedded mode: the stack, a service or the gateway, with the command that runs
 * it from a built checkout and the port it must own.
 */
public record Component(String name, int port, List<String> command, Map<String, String> env) {

  static final int GATEWAY_PORT = 8080;

  static Component stack(Path home, Path dataDir) {
    return new Component(
        "stack",
        9092,
        javaCommand(
            home.resolve("libs/stack/target"),
            "tuneforge-stack",
            "-Xmx512m",
            "dev.tuneforge.stack.LocalStack",
            dataDir.toString()),
        Map.of());
  }

  static Component gateway(Path home) {
    return new Component(
        "gateway",
        GATEWAY_PORT,
        javaCommand(
            home.resolve("libs/gateway/target"),
            "tuneforge-gateway",
            "-Xmx128m",
            "dev.tuneforge.gateway.Gateway",
            String.valueOf(GATEWAY_PORT)),
        Map.of());
  }

  static Component service(Path home, String name, int port, String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx" + heap);
    cmd.add("-jar");
    cmd.add(home.resolve(name + "/target/quarkus-app/quarkus-run.jar").toString());
    return new Component(
        name,
        port,
        cmd,
        Map.of(
            "QUARKUS_HTTP_PORT",
            String.valueOf(port),
            // The embedded mode is for this machine only; containers and pods bind every interface.
            "QUARKUS_HTTP_HOST",
            "127.0.0.1"));
  }

  /** The same component reading the running stack's endpoints, by the keys docker-compose sets. */
  Component withStack(Map<String, String> stackConfig) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("KAFKA_BOOTSTRAP_SERVERS", stackConfig.get("kafka.bootstrap.servers"));
    all.put("TUNEFORGE_S3_ENDPOINT", stackConfig.get("tuneforge.s3.endpoint"));
    all.put("TUNEFORGE_S3_ACCESS_KEY", stackConfig.get("tuneforge.s3.access-key"));
    all.put("TUNEFORGE_S3_SECRET_KEY", stackConfig.get("tuneforge.s3.secret-key"));
    all.put("TUNEFORGE_S3_BUCKET", stackConfig.get("tuneforge.s3.bucket"));
    return new Component(name, port, command, Map.copyOf(all));
  }

  /** The four services with their ports and heaps (the trainer holds model weights). */
  static List<Component> services(Path home) {
    return List.of(
        service(home, "dataset-service", 8081, "1g"),
        service(home, "trainer-service", 8082, "4g"),
        service(home, "evaluator-service", 8083, "2g"),
        service(home, "registry-service", 8084, "512m"));
  }

  private static List<String> javaCommand(
      Path target, String artifact, String heap, String mainClass, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                heap,
                "-cp",
                target.resolve(artifact + "-0.1.0-SNAPSHOT.jar")
                    + ":"
                    + target.resolve("lib")
                    + "/*",
                mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
