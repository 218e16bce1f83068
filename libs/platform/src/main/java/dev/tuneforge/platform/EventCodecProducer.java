package dev.tuneforge.platform;

import dev.tuneforge.events.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The strict codec of libs/events as a bean. */
@ApplicationScoped
public class EventCodecProducer {
  @Produces
  @Singleton
  EventCodec codec() {
    return new EventCodec();
  }
}
