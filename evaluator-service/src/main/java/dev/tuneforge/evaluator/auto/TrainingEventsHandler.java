package dev.tuneforge.evaluator.auto;

import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventDecodingException;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCompleted;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every {@code TrainingCompleted} on the training events topic starts an automatic evaluation; the
 * other training events are acknowledged and ignored. The record is acknowledged only when the
 * evaluation's outcome is recorded, so a service that dies mid-evaluation gets the record again
 * after restart and redoes it. The work runs on {@link AutoEvaluator}'s worker, never on the
 * consumer thread. Undecodable records go to the dead-letter topic.
 */
@ApplicationScoped
public class TrainingEventsHandler {

  public static final String CHANNEL = "training-events";

  @Inject EventCodec codec;
  @Inject AutoEvaluator evaluator;

  @Incoming(CHANNEL)
  public CompletionStage<Void> onRecord(Message<String> message) {
    long arrived = System.nanoTime();
    EventEnvelope envelope;
    try {
      envelope = codec.decode(message.getPayload());
    } catch (EventDecodingException e) {
      return message.nack(e);
    }
    if (!(envelope.payload() instanceof TrainingCompleted t)) {
      return message.ack();
    }
    Instant written =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(IncomingKafkaRecordMetadata::getTimestamp)
            .orElse(null);
    return evaluator
        .submit(t, written, arrived)
        .handle(
            (result, error) ->
                error != null
                    ? message.nack(error)
                    : result == AutoEvaluator.Result.ABANDONED
                        ? CompletableFuture.<Void>completedFuture(null) // redone after restart
                        : message.ack())
        .thenCompose(stage -> stage);
  }
}
