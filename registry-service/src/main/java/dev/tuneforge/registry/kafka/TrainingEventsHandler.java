package dev.tuneforge.registry.kafka;

import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.registry.adapters.AdapterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Registers every finished job without anyone asking: a TrainingCompleted read (in the registry's
 * consumer group, so by one replica) becomes a registration command. A redelivered record is a
 * duplicate the registry's log recognises by job id; the trainer's other reports are ignored.
 */
@ApplicationScoped
public class TrainingEventsHandler {

  public static final String CHANNEL = "training-events";

  @Inject EventCodec codec;
  @Inject AdapterRegistry registry;

  @Incoming(CHANNEL)
  @Blocking
  public void onRecord(String value) {
    EventEnvelope envelope = codec.decode(value);
    if (envelope.payload() instanceof TrainingCompleted t) {
      registry.register(t);
    }
  }
}
