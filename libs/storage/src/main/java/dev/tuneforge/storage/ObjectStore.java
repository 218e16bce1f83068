package dev.tuneforge.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TuneForge's one bucket. Writes stream (multipart for unknown sizes, so a multi-GB upload never
 * sits in memory) and return the sha256 computed on the way; readers of multi-file artifacts go
 * through {@link Manifests}, which only trusts what a manifest, written last, lists.
 */
public final class ObjectStore implements AutoCloseable {

  /** Part size for streams of unknown length: 16 MiB parts reach S3's 10,000-part cap at 160 GiB. */
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
    MessageDigest digest = Hashing.sha256();
    CountingInputStream counting = new CountingInputStream(new DigestInputStream(in, digest));
    try {
      client.putObject(
          PutObjectArgs.builder()
              .bucket(bucket)
              .object(key)
              .stream(counting, size, size >= 0 ? -1 : PART_SIZE)
              .contentType(contentType == null ? "application/octet-stream" : contentType)
              .build());
    } catch (Exception e) {
      throw new StorageException("cannot write " + uri(key) + ": " + e.getMessage(), e);
    }
    return new StoredObject(key, counting.count(), Hashing.hex(digest.digest()));
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

  public byte[] getBytes(String key) {
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("cannot read " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  /** Copies {@code key} into {@code target} and returns its sha256 (written to a temp file, then moved). */
  public String download(String key, Path target) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Path tmp = target.resolveSibling(target.getFileName() + ".part");
      MessageDigest digest = Hashing.sha256();
      try (InputStream in = new DigestInputStream(get(key), digest);
          OutputStream out = Files.newOutputStream(tmp)) {
        in.transferTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Hashing.hex(digest.digest());
    } catch (IOException e) {
      throw new StorageException("cannot download " + uri(key) + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies every object directly under {@code prefix} (a folder such as a model in HF layout) into
   * {@code dir}, and returns {@code dir}. When the prefix has a manifest, only a complete artifact is
   * accepted and every file must match its sha256.
   */
  public Path downloadFolder(String prefix, Path dir) {
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    List<String> keys = list(p).stream().filter(k -> !k.substring(p.length()).contains("/")).toList();
    if (keys.isEmpty()) {
      throw new ObjectNotFoundException(uri(p));
    }
    com.fasterxml.jackson.databind.JsonNode files = null;
    if (keys.contains(p + Manifests.MANIFEST)) {
      files = Manifests.read(this, p).get("files");
    }
    for (String key : keys) {
      String name = key.substring(p.length());
      String sha = download(key, dir.resolve(name));
      if (files != null && !name.equals(Manifests.MANIFEST)) {
        var expected = files.get(name);
        if (expected != null && !expected.path("sha256").asText().equals(sha)) {
          throw new StorageException(uri(key) + " does not match its manifest's sha256");
        }
      }
    }
    return dir;
  }

  public Optional<Long> sizeOf(String key) {
    try {
      return Optional.of(client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
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
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
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
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(false).build())) {
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
