package dev.tuneforge.llm.train.job.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How job processes are started.
 *
 * @param java the java binary
 * @param classpath the classpath holding {@link JobProcessMain}, the engine and its libraries
 * @param jvmOptions options before the main class (-Xmx, -XX:…, -D…)
 * @param env environment variables added to the inherited ones (libtorch/OpenMP threads)
 * @param crashDir where the JVM writes its fatal error report (hs_err) when the process crashes
 * @param cancelGrace how long a cancelled process may take to stop before it is killed
 */
public record JobProcessLaunch(
    String java,
    String classpath,
    List<String> jvmOptions,
    Map<String, String> env,
    Path crashDir,
    Duration cancelGrace) {

  public JobProcessLaunch {
    jvmOptions = List.copyOf(jvmOptions);
    env = Map.copyOf(env);
  }

  /**
   * Children of this JVM: the same java binary and classpath, {@code jvmOptions}, and this JVM's
   * DJL settings ({@code ai.djl.*} system properties, e.g. the libtorch thread count) and temp
   * folder, so a job trains as it would in this JVM.
   */
  public static JobProcessLaunch ofThisJvm(
      List<String> jvmOptions, Map<String, String> env, Path crashDir, Duration cancelGrace) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> options = new ArrayList<>();
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith("ai.djl."))
        .sorted()
        .forEach(k -> options.add("-D" + k + "=" + System.getProperty(k)));
    options.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    options.addAll(jvmOptions); // last: an option set for jobs wins over an inherited one
    return new JobProcessLaunch(
        java,
        classpath(System.getProperty("java.class.path")),
        options,
        new LinkedHashMap<>(env),
        crashDir,
        cancelGrace);
  }

  /**
   * The classpath of children of a JVM whose class path is {@code own}. A Quarkus fast-jar
   * application runs from {@code quarkus-run.jar}, whose manifest names only the boot libraries;
   * its other libraries are in {@code lib/main/} and its own classes in {@code app/} beside it.
   */
  static String classpath(String own) {
    Path single = Path.of(own);
    Path dir = single.toAbsolutePath().getParent();
    if (!own.contains(File.pathSeparator)
        && single.getFileName().toString().equals("quarkus-run.jar")
        && dir != null
        && Files.isDirectory(dir.resolve("lib/main"))) {
      return String.join(
          File.pathSeparator,
          dir.resolve("lib/boot") + File.separator + "*",
          dir.resolve("lib/main") + File.separator + "*",
          dir.resolve("app") + File.separator + "*");
    }
    return own;
  }
}
