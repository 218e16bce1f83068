package dev.tuneforge.evaluator.service;

import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every finished run, by job id and by its fine-tuned model id ({@code ft:…}): a projection of the
 * training events topic (only {@code TrainingCompleted} matters here), rebuilt from the beginning
 * at start-up. The chat endpoint resolves {@code ft:} ids through it; the output URI and team come
 * from the fact itself, so no other service is asked.
 */
@ApplicationScoped
public class TrainedModels implements ViewProjection {

  public static final String VIEW = "trained-models";

  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.evaluator.training-events-topic")
  String topic;

  private final Map<String, TrainingCompleted> byJob = new ConcurrentHashMap<>();
  private final Map<String, TrainingCompleted> byModelId = new ConcurrentHashMap<>();
  private volatile KafkaView view;

  void start(@Observes StartupEvent event) {
    view = views.start(VIEW, java.util.List.of(topic), this);
  }

  public KafkaView view() {
    return view;
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    if (event.payload() instanceof TrainingCompleted t) {
      byJob.put(t.jobId(), t);
      byModelId.put(modelId(t), t);
    }
  }

  /** The {@code ft:} id a finished run is served under. */
  public static String modelId(TrainingCompleted t) {
    return FineTunedModelId.of(t.baseModel(), t.team(), t.suffix(), t.jobId());
  }

  public Optional<TrainingCompleted> byJob(String jobId) {
    return Optional.ofNullable(byJob.get(jobId));
  }

  public Optional<TrainingCompleted> byModelId(String id) {
    return Optional.ofNullable(byModelId.get(id));
  }
}
