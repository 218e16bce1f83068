package dev.tuneforge.trainer.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Workers on, each job in a JVM of its own, progress on every step. */
public class IsolatedWorkers implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "tuneforge.trainer.worker.enabled", "true",
        "tuneforge.trainer.worker.progress-every-steps", "1",
        "tuneforge.trainer.isolation", "process",
        "tuneforge.trainer.job-jvm-options", "-Xmx512m -XX:+ExitOnOutOfMemoryError");
  }
}
