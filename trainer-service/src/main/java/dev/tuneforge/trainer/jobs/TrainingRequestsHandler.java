package dev.tuneforge.trainer.jobs;

import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingRequested;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Translates records of the training-requests topic into ledger calls. Decoding is strict: a
 * record that is not a valid envelope throws, SmallRye nacks it, and the channel's dead-letter
 * strategy moves it aside with the reason, so the partition keeps flowing.
 */
@ApplicationScoped
public class TrainingRequestsHandler {

  public static final String CHANNEL = "training-requests";
  private static final Logger LOG = Logger.getLogger(TrainingRequestsHandler.class);

  @Inject EventCodec codec;
  @Inject JobLedger ledger;

  @Incoming(CHANNEL)
  public void onRecord(String value) {
    EventEnvelope envelope = codec.decode(value);
    if (envelope.payload() instanceof TrainingRequested request) {
      if (ledger.accept(request, envelope.occurredAt())) {
        LOG.infof("job %s accepted (%s on %s)", request.jobId(), request.method(), request.baseModel());
      } else {
        LOG.debugf("job %s delivered again; already recorded", request.jobId());
      }
    }
  }
}
