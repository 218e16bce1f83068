package dev.tuneforge.stack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server (S3Proxy) inside this JVM, storing objects as plain files under a
 * folder, so a restart keeps every object. It checks AWS V2/V4 signatures like S3 does.
 */
public final class EmbeddedS3 implements AutoCloseable {

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final URI endpoint;

  private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, URI endpoint) {
    this.proxy = proxy;
    this.context = context;
    this.endpoint = endpoint;
  }

  /**
   * Starts the server on 127.0.0.1:{@code port}, storing objects under {@code dir}, with {@code
   * bucket} created.
   */
  public static EmbeddedS3 start(
      Path dir, int port, String accessKey, String secretKey, String bucket) throws Exception {
    Files.createDirectories(dir);
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials(accessKey, secretKey)
            .overrides(props)
            .build(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    if (!store.containerExists(bucket)) {
      store.createContainerInLocation(null, bucket);
    }
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(endpoint)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            // SDKs send checksum headers S3Proxy does not know; S3 itself accepts them.
            .ignoreUnknownHeaders(true)
            // Single-part uploads up to 5 GiB as on S3; multipart handles anything larger.
            .maxSinglePartObjectSize(5L * 1024 * 1024 * 1024)
            .v4MaxNonChunkedRequestSize(128L * 1024 * 1024)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
        context.close();
        throw new IllegalStateException(
            "S3 server did not start on " + endpoint + " (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
    return new EmbeddedS3(proxy, context, endpoint);
  }

  public String endpoint() {
    return endpoint.toString();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
