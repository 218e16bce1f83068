package dev.tuneforge.trainer.worker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The service with its training workers consuming requests (off in the other tests). */
public class WorkersOn implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "tuneforge.trainer.worker.enabled", "true",
        "tuneforge.trainer.worker.progress-every-steps", "2");
  }
}
