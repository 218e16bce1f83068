package dev.tuneforge.llm.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.quant.DoubleQuantizedScales;
import dev.tuneforge.llm.quant.Nf4;
import dev.tuneforge.llm.quant.Nf4Linear;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The note a QLoRA run leaves beside its adapter ({@value #FILE}): which base modules were
 * NF4-quantized while the adapter trained, in the words of HF's {@code quantization_config} for
 * bitsandbytes. PEFT's {@code adapter_config.json} has no key for it (PEFT reads the quantization
 * from the base model), and an extra key there would make strict readers refuse the adapter, so it
 * is a file of its own: PEFT and the {@link AdapterLoader} ignore it, {@code tuneforge merge} reads
 * it to merge into the dequantized base the adapter was trained against.
 *
 * @param quantizedModules HF names of the linear layers that were NF4 during training
 */
public record QloraBase(List<String> quantizedModules) {
  public static final String FILE = "qlora_base.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public QloraBase {
    quantizedModules = List.copyOf(quantizedModules);
  }

  /** The note for the base a {@link Nf4LinearFactory} built. */
  public static QloraBase of(Nf4LinearFactory nf4) {
    return new QloraBase(nf4.layers().stream().map(Nf4Linear::name).toList());
  }

  /** The note in {@code adapterDir}, if the adapter was trained by QLoRA here. */
  public static Optional<QloraBase> read(Path adapterDir) {
    Path file = adapterDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode root =
        dev.tuneforge.llm.io.StrictJson.parse(
            dev.tuneforge.llm.io.Folders.readText(file, FILE), file.toString());
    JsonNode q = root.path("quantization_config");
    if (!"nf4".equals(q.path("bnb_4bit_quant_type").asText(null))
        || !q.path("bnb_4bit_use_double_quant").asBoolean(false)
        || root.path("blocksize").asInt() != Nf4.BLOCK_SIZE
        || root.path("absmax_group_size").asInt() != DoubleQuantizedScales.GROUP_SIZE) {
      throw new IllegalArgumentException(
          file
              + ": quantization_config.bnb_4bit_quant_type, "
              + "bnb_4bit_use_double_quant, blocksize and absmax_group_size must be nf4, true, "
              + Nf4.BLOCK_SIZE
              + " and "
              + DoubleQuantizedScales.GROUP_SIZE
              + " (the only NF4 layout this engine computes)");
    }
    JsonNode modules = root.get("quantized_modules");
    if (modules == null || !modules.isArray()) {
      throw new IllegalArgumentException(
          file + ": quantized_modules must be a list of module names");
    }
    List<String> names = new ArrayList<>();
    modules.forEach(m -> names.add(m.asText()));
    return Optional.of(new QloraBase(names));
  }

  /** Writes {@value #FILE} into {@code adapterDir}. */
  public void write(Path adapterDir) {
    ObjectNode root = JSON.createObjectNode();
    root.put(
        "note",
        "This LoRA adapter was trained on a base whose quantized_modules were NF4-quantized"
            + " (QLoRA). It loads as a plain PEFT LoRA adapter on the float base; the function it was trained"
            + " for is the dequantized base plus the adapter: tuneforge merge --dequantize-base merges into that.");
    ObjectNode q = root.putObject("quantization_config");
    q.put("quant_method", "bitsandbytes");
    q.put("load_in_4bit", true);
    q.put("bnb_4bit_quant_type", "nf4");
    q.put("bnb_4bit_use_double_quant", true);
    q.put("bnb_4bit_compute_dtype", "float32");
    q.put("bnb_4bit_quant_storage", "uint8");
    q.putArray("llm_int8_skip_modules").add("lm_head");
    root.put("blocksize", Nf4.BLOCK_SIZE);
    root.put("absmax_group_size", DoubleQuantizedScales.GROUP_SIZE);
    quantizedModules.forEach(root.putArray("quantized_modules")::add);
    try {
      Files.writeString(adapterDir.resolve(FILE), root.toPrettyString() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + adapterDir.resolve(FILE), e);
    }
  }
}
