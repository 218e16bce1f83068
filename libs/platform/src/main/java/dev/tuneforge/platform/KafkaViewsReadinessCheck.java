package dev.tuneforge.platform;

import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.ViewStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until every view has caught up with the end offsets it saw at start-up: before that the
 * service would answer from a partial state (a job list missing jobs, an API key unknown).
 */
@Readiness
@ApplicationScoped
public class KafkaViewsReadinessCheck implements HealthCheck {

  public static final String NAME = "kafka-views";

  @Inject KafkaViews views;

  @Override
  public HealthCheckResponse call() {
    return check(views.all());
  }

  /** UP only when every view in {@code views} has caught up; each view's state is in the data. */
  public static HealthCheckResponse check(List<KafkaView> views) {
    HealthCheckResponseBuilder r = HealthCheckResponse.named(NAME);
    boolean up = true;
    for (KafkaView view : views) {
      ViewStatus s = view.status();
      Throwable failure = view.failure();
      up &= s.caughtUp() && failure == null;
      String state;
      if (failure != null) {
        // A view that stopped answers from stale state: not ready, whatever it reached before.
        state = "stopped: " + failure;
      } else if (s.caughtUp()) {
        state = "caught up";
      } else if (s.targets().isEmpty()) {
        state = "waiting for topics " + view.topics();
      } else {
        state = "catching up, " + s.lag() + " records to go";
      }
      r.withData(s.name(), state);
      r.withData(s.name() + ".position", s.positions().toString());
      r.withData(s.name() + ".target", s.targets().toString());
    }
    return r.status(up).build();
  }
}
