package dev.tuneforge.dataset.versions;

import dev.tuneforge.events.DatasetCurationRequested;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Curation requested over Kafka by platform teams: the same curation as {@code POST /v1/datasets}
 * for the team the request names (only that team's files, the version is that team's), answered
 * with DatasetCurated or DatasetRejected carrying the request id. Undecodable records go to the
 * dead-letter topic.
 */
@ApplicationScoped
public class DatasetRequestsHandler {

  public static final String CHANNEL = "dataset-requests";

  @Inject EventCodec codec;
  @Inject Curator curator;
  @Inject DatasetEvents events;

  @Incoming(CHANNEL)
  @Blocking
  public void onRecord(String value) {
    EventEnvelope envelope = codec.decode(value);
    DatasetCurationRequested r = envelope.payloadAs(DatasetCurationRequested.class);
    CurationRequest request = new CurationRequest(r.name(), r.fileIds(), null, r.options(), null);
    events.publish(curator.curate(r.team(), request), request, r.requestId());
  }
}
