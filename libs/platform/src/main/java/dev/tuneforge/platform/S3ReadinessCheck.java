package dev.tuneforge.platform;

import dev.tuneforge.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the bucket answers: every service stores or reads its bytes there. */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {

  @Inject ObjectStore store;
  @Inject S3Config config;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("object-store")
        .status(store.isReachable())
        .withData("endpoint", config.endpoint())
        .withData("bucket", config.bucket())
        .build();
  }
}
