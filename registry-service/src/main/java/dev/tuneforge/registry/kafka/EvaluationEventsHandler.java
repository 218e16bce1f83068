package dev.tuneforge.registry.kafka;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.registry.adapters.AdapterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every replica's view folds evaluation outcomes by itself; this consumer (one replica, the
 * registry's consumer group) announces the consequence once: a version whose evaluation passed
 * moved to staging. On-demand evaluations are ignored here and in the view: they never change a
 * version's stage.
 */
@ApplicationScoped
public class EvaluationEventsHandler {

  public static final String CHANNEL = "evaluation-events";

  @Inject EventCodec codec;
  @Inject AdapterRegistry registry;

  @Incoming(CHANNEL)
  @Blocking
  public void onRecord(ConsumerRecord<String, String> record) {
    EventEnvelope envelope = codec.decode(record.value());
    if (envelope.payload() instanceof EvaluationCompleted e && changesStage(e)) {
      registry.evaluated(
          e, new RecordPosition(record.topic(), record.partition(), record.offset()));
    }
  }

  /**
   * Only the automatic evaluation of a run (trigger {@code training_completed}, or none in records
   * written before triggers existed) speaks for its registered version; an on-demand evaluation
   * ({@code POST /v1/evaluations}) of the same model never moves it.
   */
  static boolean changesStage(EvaluationCompleted e) {
    return !e.onDemand();
  }
}
