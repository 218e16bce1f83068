package dev.tuneforge.llm.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.llm.io.Folders;
import dev.tuneforge.llm.io.StrictJson;
import dev.tuneforge.llm.io.TensorMismatch;
import dev.tuneforge.llm.model.ModelSource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of a model folder: either one {@code model.safetensors} or shards listed by {@code
 * model.safetensors.index.json}. Tensors are looked up by HF name across shards.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> byName;

  private SafetensorsCheckpoint(List<SafetensorsFile> files) {
    this.files = files;
    Map<String, SafetensorsFile> m = new LinkedHashMap<>();
    for (SafetensorsFile f : files) {
      for (String name : f.tensors().keySet()) {
        if (m.put(name, f) != null) {
          throw new IllegalArgumentException("tensor " + name + " appears in two shards");
        }
      }
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  /** Opens the checkpoint of a model folder; pickle-only folders are refused with the reason. */
  public static SafetensorsCheckpoint open(ModelSource source) {
    List<String> names = source.listFiles();
    if (names.contains(INDEX)) {
      return openSharded(source);
    }
    if (names.contains(SINGLE)) {
      return new SafetensorsCheckpoint(List.of(SafetensorsFile.open(source.resolve(SINGLE))));
    }
    List<String> other = names.stream().filter(n -> n.endsWith(".safetensors")).toList();
    if (other.size() == 1) {
      return new SafetensorsCheckpoint(List.of(SafetensorsFile.open(source.resolve(other.get(0)))));
    }
    for (String n : names) {
      if (n.endsWith(".bin")
          || n.endsWith(".pt")
          || n.endsWith(".pth")
          || n.endsWith(".ckpt")
          || n.endsWith(".pkl")) {
        SafetensorsFile.refusePickle(source.resolve(n)); // throws with the reason
      }
    }
    throw new IllegalArgumentException(
        "model folder " + source.describe() + " has no " + SINGLE + " and no " + INDEX);
  }

  private static SafetensorsCheckpoint openSharded(ModelSource source) {
    JsonNode index = StrictJson.parse(Folders.readText(source.resolve(INDEX), INDEX), INDEX);
    StrictJson.fields(index, INDEX);
    JsonNode metadata = index.get("metadata");
    if (metadata != null && !metadata.isObject() && !metadata.isNull()) {
      throw new IllegalArgumentException(
          INDEX + " field \"metadata\" must be an object, found " + StrictJson.describe(metadata));
    }
    JsonNode map = index.get("weight_map");
    if (map == null) {
      throw new IllegalArgumentException(INDEX + " has no \"weight_map\"");
    }
    Set<String> shardNames = new TreeSet<>();
    for (var it = StrictJson.fields(map, INDEX + " field \"weight_map\""); it.hasNext(); ) {
      var e = it.next();
      JsonNode shard = e.getValue();
      if (!shard.isTextual() || !shard.textValue().endsWith(".safetensors")) {
        throw new IllegalArgumentException(
            INDEX
                + " field \"weight_map\" entry \""
                + e.getKey()
                + "\" must name a .safetensors shard, found "
                + StrictJson.describe(shard));
      }
      shardNames.add(shard.textValue());
    }
    if (shardNames.isEmpty()) {
      throw new IllegalArgumentException(INDEX + " field \"weight_map\" is empty");
    }
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      for (String shard : shardNames) {
        files.add(SafetensorsFile.open(source.resolve(shard)));
      }
      SafetensorsCheckpoint c = new SafetensorsCheckpoint(files);
      // The index and the shard headers must agree, tensor by tensor.
      map.fields()
          .forEachRemaining(
              e -> {
                SafetensorsFile f = c.byName.get(e.getKey());
                if (f == null || !f.path().getFileName().toString().equals(e.getValue().asText())) {
                  throw new IllegalArgumentException(
                      INDEX
                          + " maps "
                          + e.getKey()
                          + " to "
                          + e.getValue().asText()
                          + " but that shard does not hold it");
                }
              });
      return c;
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  public Map<String, TensorInfo> tensors() {
    Map<String, TensorInfo> m = new LinkedHashMap<>();
    byName.forEach((n, f) -> m.put(n, f.info(n)));
    return m;
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  /** Float32 data of a tensor in a fresh native-order direct buffer. */
  public ByteBuffer readFloat32(String name) {
    return file(name).readFloat32(name);
  }

  /** Float32 data of a tensor in pieces of whole rows (tensors over 2 GiB). */
  public void readFloat32(String name, long maxChunkBytes, SafetensorsFile.ChunkSink sink) {
    file(name).readFloat32(name, maxChunkBytes, sink);
  }

  public float[] readFloats(String name) {
    return file(name).readFloats(name);
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = byName.get(name);
    if (f == null) {
      throw new IllegalArgumentException("checkpoint has no tensor " + name);
    }
    return f;
  }

  /**
   * Checks the checkpoint against the tensors a model expects: every expected name present with its
   * exact shape, nothing else present except names matching {@code ignorable}. All problems are
   * reported in one error, each tensor by name.
   */
  public void validate(
      Map<String, long[]> expected, java.util.function.Predicate<String> ignorable) {
    TensorMismatch m = new TensorMismatch();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      SafetensorsFile f = byName.get(e.getKey());
      if (f == null) {
        m.missing(e.getKey());
      } else if (!Arrays.equals(f.info(e.getKey()).shape(), e.getValue())) {
        m.wrongShape(e.getKey(), e.getValue(), f.info(e.getKey()).shape());
      }
    }
    for (String n : byName.keySet()) {
      if (!expected.containsKey(n) && !ignorable.test(n)) {
        m.unexpected(n);
      }
    }
    m.throwIfAny("checkpoint does not match the model:");
  }

  /** The stored dtype of the first tensor (what "dtype" means for a uniform checkpoint). */
  public DType storedDtype() {
    return files.get(0).tensors().values().stream()
        .findFirst()
        .map(TensorInfo::dtype)
        .orElse(DType.F32);
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
