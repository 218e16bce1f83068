package dev.tuneforge.storage;

/**
 * How to reach the object store: the same four keys in every service, the CLI and docker-compose.
 */
public record S3Settings(String endpoint, String accessKey, String secretKey, String bucket) {
  public S3Settings {
    require(endpoint, "tuneforge.s3.endpoint");
    require(accessKey, "tuneforge.s3.access-key");
    require(secretKey, "tuneforge.s3.secret-key");
    require(bucket, "tuneforge.s3.bucket");
  }

  /**
   * Settings for tools outside a service (the CLI): each key from its system property ({@code
   * tuneforge.s3.endpoint}), else its environment variable ({@code TUNEFORGE_S3_ENDPOINT}), else
   * the embedded stack's default; {@code bucket} null means the configured bucket.
   */
  public static S3Settings fromEnvironment(String bucket) {
    return new S3Settings(
        setting("tuneforge.s3.endpoint", "TUNEFORGE_S3_ENDPOINT", "http://127.0.0.1:9000"),
        setting("tuneforge.s3.access-key", "TUNEFORGE_S3_ACCESS_KEY", "tuneforge"),
        setting("tuneforge.s3.secret-key", "TUNEFORGE_S3_SECRET_KEY", "tuneforge-secret"),
        bucket != null
            ? bucket
            : setting("tuneforge.s3.bucket", "TUNEFORGE_S3_BUCKET", "tuneforge"));
  }

  private static String setting(String key, String env, String fallback) {
    String v = System.getProperty(key);
    if (v == null) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? fallback : v;
  }

  private static void require(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing configuration: " + key);
    }
  }
}
