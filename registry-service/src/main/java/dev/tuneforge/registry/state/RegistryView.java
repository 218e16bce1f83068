package dev.tuneforge.registry.state;

import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the {@link KafkaView} that rebuilds {@link RegistryState} from the beginning of the
 * registry's topics at every start (the service is not ready until it has caught up), and hands
 * both to the rest of the service.
 */
@ApplicationScoped
public class RegistryView {

  public static final String VIEW = "registry";

  @Inject KafkaViews views;

  /** The command log, the evaluation outcomes and the registry's facts, in any order. */
  @ConfigProperty(name = "tuneforge.registry.view-topics")
  List<String> topics;

  private final RegistryState state = new RegistryState();
  private volatile KafkaView view;

  void start(@Observes StartupEvent event) {
    view = views.start(VIEW, topics, state);
  }

  public RegistryState state() {
    return state;
  }

  public KafkaView view() {
    return view;
  }
}
