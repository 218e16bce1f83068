package dev.tuneforge.platform;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings of this service for plain clients (views, the publisher): the {@code
 * kafka.*} keys Quarkus collects (bootstrap servers, TLS, SASL), without the keys that belong to
 * one client kind, so docker-compose and Kubernetes configure every client in one place.
 */
@ApplicationScoped
public class KafkaConnection {

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  public Map<String, Object> settings() {
    Map<String, Object> out = new HashMap<>();
    kafka.forEach(
        (k, v) -> {
          if (k.equals("bootstrap.servers")
              || k.startsWith("security.")
              || k.startsWith("sasl.")
              || k.startsWith("ssl.")
              || k.equals("client.dns.lookup")) {
            out.put(k, v);
          }
        });
    return out;
  }
}
