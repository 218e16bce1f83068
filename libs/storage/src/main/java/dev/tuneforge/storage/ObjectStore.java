package dev.tuneforge.storage;

import dev.tuneforge.artifact.Sha256;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * TuneForge's one bucket, object by object. Writes stream (multipart for unknown sizes, so a
 * multi-GB upload never sits in memory) and return the sha256 computed on the way. Multi-file
 * artifacts (published with a manifest written last, fetched with every sha256 checked) go through
 * {@link dev.tuneforge.storage.artifact.ArtifactStore}; keys come from {@link BucketLayout}.
 */
public final class ObjectStore implements AutoCloseable {

  /**
   * Part size for streams of unknown length: 16 MiB parts reach S3's 10,000-part cap at 160 GiB.
   */
  static final long PART_SIZE = 16L * 1024 * 1024;

  private final MinioClient client;
  private final String bucket;

  public ObjectStore(MinioClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  public static ObjectStore connect(S3Settings settings) {
    MinioClient client =
        MinioClient.builder()
            .endpoint(settings.endpoint())
            .credentials(settings.accessKey(), settings.secretKey())
            .build();
    return new ObjectStore(client, settings.bucket());
  }

  /**
   * A store that only presigns, for URLs clients reach at {@code publicEndpoint} (a service may
   * talk to S3 at an internal address, e.g. {@code http://minio:9000}, that clients cannot
   * resolve). The region is fixed so that signing never asks the server; {@code us-east-1} is
   * MinIO's and S3's default.
   */
  public static ObjectStore presigner(S3Settings settings, String publicEndpoint, String region) {
    MinioClient client =
        MinioClient.builder()
            .endpoint(publicEndpoint)
            .region(region)
            .credentials(settings.accessKey(), settings.secretKey())
            .build();
    return new ObjectStore(client, settings.bucket());
  }

  public String bucket() {
    return bucket;
  }

  public String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  /** True when the bucket answers; used by readiness checks. */
  public boolean isReachable() {
    try {
      return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      return false;
    }
  }

  /** Streams {@code in} to {@code key}; {@code size} -1 when unknown. */
  public StoredObject put(String key, InputStream in, long size, String contentType) {
    MessageDigest digest = Sha256.digest();
    CountingInputStream counting = new CountingInputStream(new DigestInputStream(in, digest));
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  counting, size, size >= 0 ? -1 : PART_SIZE)
              .contentType(contentType == null ? "application/octet-stream" : contentType)
              .build());
    } catch (Exception e) {
      throw new StorageException("cannot write " + uri(key) + ": " + e.getMessage(), e);
    }
    return new StoredObject(key, counting.count(), Sha256.hex(digest));
  }

  public StoredObject putBytes(String key, byte[] data, String contentType) {
    return put(key, new ByteArrayInputStream(data), data.length, contentType);
  }

  public StoredObject putFile(String key, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return put(key, in, Files.size(file), null);
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@code key} for reading; the caller closes the stream. */
  public InputStream get(String key) {
    try {
      return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        throw new ObjectNotFoundException(uri(key));
      }
      throw new StorageException("cannot read " + uri(key) + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw new StorageException("cannot read " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  /** The longest validity S3 (SigV4) allows for a presigned URL. */
  public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

  /**
   * A URL anyone can GET {@code key} with, without credentials, until {@code expiry} has passed (1
   * second to 7 days, S3's limits); signed locally (SigV4), nothing is sent to the server.
   */
  public String presignGet(String key, Duration expiry) {
    if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
      throw new IllegalArgumentException(
          "presigned URL expiry must be from 1 second to 7 days, was " + expiry);
    }
    try {
      return client.getPresignedObjectUrl(
          GetPresignedObjectUrlArgs.builder()
              .method(Method.GET)
              .bucket(bucket)
              .object(key)
              .expiry((int) expiry.toSeconds(), TimeUnit.SECONDS)
              .build());
    } catch (Exception e) {
      throw new StorageException("cannot presign " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  public byte[] getBytes(String key) {
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("cannot read " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  public Optional<Long> sizeOf(String key) {
    try {
      return Optional.of(
          client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())
          || "NoSuchObject".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new StorageException("cannot stat " + uri(key) + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw new StorageException("cannot stat " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  public boolean exists(String key) {
    return sizeOf(key).isPresent();
  }

  /** Every key under {@code prefix}, recursively, in lexical order. */
  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    try {
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        Item item = r.get();
        if (!item.isDir()) {
          keys.add(item.objectName());
        }
      }
    } catch (Exception e) {
      throw new StorageException("cannot list " + uri(prefix) + ": " + e.getMessage(), e);
    }
    keys.sort(null);
    return keys;
  }

  /** The immediate "folders" under {@code prefix} (names without the prefix or trailing slash). */
  public List<String> listChildren(String prefix) {
    List<String> names = new ArrayList<>();
    try {
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(false).build())) {
        String name = r.get().objectName().substring(prefix.length());
        if (name.endsWith("/")) {
          name = name.substring(0, name.length() - 1);
        }
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    } catch (Exception e) {
      throw new StorageException("cannot list " + uri(prefix) + ": " + e.getMessage(), e);
    }
    names.sort(null);
    return names;
  }

  public void delete(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new StorageException("cannot delete " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  public void deletePrefix(String prefix) {
    for (String key : list(prefix)) {
      delete(key);
    }
  }

  @Override
  public void close() {
    try {
      // OkHttp's non-daemon threads would otherwise keep a JVM alive for a minute.
      client.close();
    } catch (Exception e) {
      // closing is best effort
    }
  }
}
