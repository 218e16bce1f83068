package dev.tuneforge.platform.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the key store has read the key topic: before that, every valid key would get a 401. */
@Readiness
@ApplicationScoped
public class ApiKeysReadiness implements HealthCheck {

  @Inject ApiKeyStore keys;

  @Override
  public HealthCheckResponse call() {
    var status = keys.view().status();
    return HealthCheckResponse.named("api-keys")
        .status(status.caughtUp())
        .withData("keys", keys.all().size())
        .withData("lag", status.lag())
        .build();
  }
}
