package dev.tuneforge.cli.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One process of the embedded mode: the stack, a service or the gateway, with the command that runs
 * it from a built checkout and the port it must own. Each process keeps its scratch files ({@code
 * java.io.tmpdir}: uploads being spooled, the trainer's work and cache folders, the evaluator's) in
 * {@code <data>/tmp/<name>}, so two installations never share them.
 */
public record Component(String name, int port, List<String> command, Map<String, String> env) {

  static Component stack(Path home, Path dataDir, LocalPorts ports) {
    return new Component(
        "stack",
        ports.kafka(),
        javaCommand(
            home.resolve("libs/stack/target"),
            "tuneforge-stack",
            "-Xmx512m",
            tmpDir(dataDir, "stack"),
            "dev.tuneforge.stack.LocalStack",
            dataDir.toString(),
            String.valueOf(ports.kafka()),
            String.valueOf(ports.controller()),
            String.valueOf(ports.s3())),
        Map.of());
  }

  static Component gateway(Path home, Path dataDir, LocalPorts ports) {
    return new Component(
        "gateway",
        ports.gateway(),
        javaCommand(
            home.resolve("libs/gateway/target"),
            "tuneforge-gateway",
            "-Xmx128m",
            tmpDir(dataDir, "gateway"),
            "dev.tuneforge.gateway.Gateway",
            String.valueOf(ports.gateway())),
        ports.gatewayRoutes());
  }

  static Component service(Path home, Path dataDir, String name, int port, String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx" + heap);
    cmd.add(tmpDir(dataDir, name));
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
    Map<String, String> all = new HashMap<>(env);
    all.put("KAFKA_BOOTSTRAP_SERVERS", stackConfig.get("kafka.bootstrap.servers"));
    all.put("TUNEFORGE_S3_ENDPOINT", stackConfig.get("tuneforge.s3.endpoint"));
    all.put("TUNEFORGE_S3_ACCESS_KEY", stackConfig.get("tuneforge.s3.access-key"));
    all.put("TUNEFORGE_S3_SECRET_KEY", stackConfig.get("tuneforge.s3.secret-key"));
    all.put("TUNEFORGE_S3_BUCKET", stackConfig.get("tuneforge.s3.bucket"));
    return new Component(name, port, command, Map.copyOf(all));
  }

  /** The four services with their ports and heaps (the trainer holds model weights). */
  static List<Component> services(Path home, Path dataDir, LocalPorts ports) {
    return List.of(
        service(home, dataDir, "dataset-service", ports.dataset(), "1g"),
        service(home, dataDir, "trainer-service", ports.trainer(), "4g"),
        service(home, dataDir, "evaluator-service", ports.evaluator(), "2g"),
        service(home, dataDir, "registry-service", ports.registry(), "512m"));
  }

  /** The folder {@link LocalProcesses#start} creates for a component's scratch files. */
  static Path scratch(Path dataDir, String name) {
    return dataDir.resolve("tmp").resolve(name);
  }

  private static String tmpDir(Path dataDir, String name) {
    return "-Djava.io.tmpdir=" + scratch(dataDir, name);
  }

  private static List<String> javaCommand(
      Path target, String artifact, String heap, String tmpDir, String mainClass, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                heap,
                tmpDir,
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
