package dev.tuneforge.storage;

/** How to reach the object store: the same four keys in every service, the CLI and docker-compose. */
public record S3Settings(String endpoint, String accessKey, String secretKey, String bucket) {
  public S3Settings {
    require(endpoint, "tuneforge.s3.endpoint");
    require(accessKey, "tuneforge.s3.access-key");
    require(secretKey, "tuneforge.s3.secret-key");
    require(bucket, "tuneforge.s3.bucket");
  }

  private static void require(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing configuration: " + key);
    }
  }
}
