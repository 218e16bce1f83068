package dev.tuneforge.platform;

import io.smallrye.config.ConfigMapping;

/** The object-store keys every service reads: {@code tuneforge.s3.*}. */
@ConfigMapping(prefix = "tuneforge.s3")
public interface S3Config {
  String endpoint();

  String accessKey();

  String secretKey();

  String bucket();
}
