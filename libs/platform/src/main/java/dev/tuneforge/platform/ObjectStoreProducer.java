package dev.tuneforge.platform;

import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * One {@link ObjectStore} per service, built from {@code tuneforge.s3.*} and closed on shutdown.
 */
@ApplicationScoped
public class ObjectStoreProducer {

  @Produces
  @ApplicationScoped
  ObjectStore objectStore(S3Config config) {
    return ObjectStore.connect(
        new S3Settings(config.endpoint(), config.accessKey(), config.secretKey(), config.bucket()));
  }

  void close(@Disposes ObjectStore store) {
    store.close();
  }
}
