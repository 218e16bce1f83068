package dev.tuneforge.trainer.worker;

import dev.tuneforge.events.CancelRequested;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventDecodingException;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingRequested;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads the training requests topic in the trainer's consumer group: a TrainingRequested is queued
 * on this replica's {@link Workers}, a CancelRequested cancels the job if it is here. The record is
 * acknowledged as soon as that is done, never after the training, so a long run does not hold the
 * partition or trip the consumer's health check. An undecodable record is skipped here: the job
 * ledger's view of the same topic already sends it to the dead-letter topic with its reason.
 */
@ApplicationScoped
public class TrainingRequestsHandler {

  public static final String CHANNEL = "training-requests";

  private static final Logger LOG = Logger.getLogger(TrainingRequestsHandler.class);

  @Inject EventCodec codec;
  @Inject Workers workers;

  /** Off on a replica that only serves the API (and in the ledger's tests). */
  @ConfigProperty(name = "tuneforge.trainer.worker.enabled", defaultValue = "true")
  boolean enabled;

  @Incoming(CHANNEL)
  @Blocking
  public void onRecord(String value) {
    if (!enabled) {
      return;
    }
    EventEnvelope envelope;
    try {
      envelope = codec.decode(value);
    } catch (EventDecodingException e) {
      LOG.warnf("skipped an undecodable training request: %s", e.getMessage());
      return;
    }
    if (envelope.payload() instanceof TrainingRequested r) {
      workers.accept(r);
    } else if (envelope.payload() instanceof CancelRequested c) {
      workers.cancel(c.jobId());
    }
  }
}
