package dev.tuneforge.evaluator.ondemand;

import dev.tuneforge.evaluator.auto.AutoEvaluator;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventDecodingException;
import dev.tuneforge.events.EventEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every {@code EvaluationRequested} on the evaluation events topic is run by {@link
 * AutoEvaluator}'s worker, the automatic evaluations' code path; outcomes on the same topic are
 * acknowledged and ignored. As for {@code TrainingCompleted}, the record is acknowledged only once
 * the outcome is recorded, so a request the service died on is run again after restart, and one
 * already answered is skipped.
 */
@ApplicationScoped
public class EvaluationRequestsHandler {

  public static final String CHANNEL = "evaluation-requests";

  @Inject EventCodec codec;
  @Inject AutoEvaluator evaluator;

  @Incoming(CHANNEL)
  public CompletionStage<Void> onRecord(Message<String> message) {
    EventEnvelope envelope;
    try {
      envelope = codec.decode(message.getPayload());
    } catch (EventDecodingException e) {
      return message.nack(e);
    }
    if (!(envelope.payload() instanceof EvaluationRequested r)) {
      return message.ack();
    }
    return evaluator
        .submit(r)
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
