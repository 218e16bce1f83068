package dev.tuneforge.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Multi-file artifacts (dataset versions, checkpoints, adapters, models) become visible only when
 * {@code <prefix>manifest.json} exists. It is written after every part and lists each part's
 * sha256 and size, so a reader never trusts half an artifact: no manifest means "not there", and a
 * part whose bytes do not match its line is an error naming the part.
 */
public final class Manifests {

  public static final String MANIFEST = "manifest.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).enable(SerializationFeature.INDENT_OUTPUT);

  private Manifests() {}

  /** Writes the manifest for {@code parts} (keys under {@code prefix}), plus {@code extra} fields. */
  public static StoredObject write(
      ObjectStore store, String prefix, Collection<StoredObject> parts, Map<String, ?> extra) {
    ObjectNode root = JSON.createObjectNode();
    root.put("createdAt", Instant.now().toString());
    ObjectNode files = root.putObject("files");
    for (StoredObject part : parts) {
      if (!part.key().startsWith(prefix)) {
        throw new IllegalArgumentException(part.key() + " is not under " + prefix);
      }
      ObjectNode f = files.putObject(part.key().substring(prefix.length()));
      f.put("sha256", part.sha256());
      f.put("bytes", part.size());
    }
    extra.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
    try {
      return store.putBytes(prefix + MANIFEST, JSON.writeValueAsBytes(root), "application/json");
    } catch (IOException e) {
      throw new StorageException("cannot encode manifest of " + prefix, e);
    }
  }

  /** The manifest of a complete artifact, or {@link ObjectNotFoundException} when there is none. */
  public static ObjectNode read(ObjectStore store, String prefix) {
    try {
      return (ObjectNode) JSON.readTree(store.getBytes(prefix + MANIFEST));
    } catch (IOException e) {
      throw new StorageException("manifest of " + store.uri(prefix) + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  public static boolean isComplete(ObjectStore store, String prefix) {
    return store.exists(prefix + MANIFEST);
  }

  /** Reads every listed part and checks its size and sha256 against the manifest. */
  public static ObjectNode verify(ObjectStore store, String prefix) {
    ObjectNode manifest = read(store, prefix);
    var files = manifest.get("files");
    for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) files::fields) {
      String key = prefix + e.getKey();
      MessageDigest digest = Hashing.sha256();
      long n;
      try (InputStream in = new DigestInputStream(store.get(key), digest)) {
        n = in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ex) {
        throw new StorageException("cannot read " + store.uri(key) + ": " + ex.getMessage(), ex);
      }
      String actual = Hashing.hex(digest.digest());
      if (!actual.equals(e.getValue().get("sha256").asText()) || n != e.getValue().get("bytes").asLong()) {
        throw new StorageException(
            "part " + e.getKey() + " of " + store.uri(prefix) + " does not match its manifest (sha256 "
                + actual + ", " + n + " bytes)");
      }
    }
    return manifest;
  }
}
