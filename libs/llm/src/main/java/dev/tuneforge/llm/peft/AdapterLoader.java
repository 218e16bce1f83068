package dev.tuneforge.llm.peft;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.io.TensorMismatch;
import dev.tuneforge.llm.lora.LoraLinear;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.model.ModelSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Loads a base model with a PEFT LoRA adapter on top: the adapter's modules are built as {@link
 * LoraLinear} layers holding its factors. After the build, every mismatch between the model and the
 * adapter (a targeted module without tensors, tensors for a module the model lacks or the config
 * does not target, wrong shapes) is reported in one error, each by name.
 */
public final class AdapterLoader {
  /** Adapter tensors the model has no targeted module for. */
  static final String UNEXPECTED = "unexpected tensors (module absent or not in target_modules)";

  private AdapterLoader() {}

  /** A model with an adapter applied, and the factory that holds its LoRA layers. */
  public record Adapted(CausalLM model, LoraLinearFactory lora, AdapterConfig config)
      implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  public static Adapted load(ModelSource base, Path adapterDir) {
    return load(base, PeftAdapter.read(adapterDir), dev.tuneforge.llm.model.Placement.device());
  }

  public static Adapted load(ModelSource base, PeftAdapter adapter, Device device) {
    return load(base, adapter, device, LinearFactory.plain());
  }

  /**
   * The adapter over base layers that {@code frozen} builds, e.g. {@code quant.Nf4LinearFactory} to
   * run a QLoRA adapter on the NF4 base it was trained on.
   */
  public static Adapted load(
      ModelSource base, PeftAdapter adapter, Device device, LinearFactory frozen) {
    LoraLinearFactory factory =
        LoraLinearFactory.fromAdapter(adapter.config().lora(), adapter.weights(), frozen);
    CausalLM model = ModelLoader.load(base, device, factory);
    return checked(model, factory, adapter, base.describe());
  }

  /**
   * The adapter over a base model that is already loaded, sharing its weights: every base tensor is
   * a view of the base's storage (no copy) owned by the adapted model's own child manager, which
   * also holds the LoRA factors. Closing the adapted model frees the views and factors only; the
   * base stays usable, so one loaded base serves any number of adapters at the cost of their
   * factors. The base must outlive every model built on it.
   */
  public static Adapted onLoadedBase(CausalLM base, PeftAdapter adapter) {
    LoraLinearFactory factory =
        LoraLinearFactory.fromAdapter(adapter.config().lora(), adapter.weights());
    Map<String, NDArray> params = base.parameters();
    NDManager manager = base.manager().newSubManager();
    CausalLM model;
    try {
      model =
          CausalLM.build(
              base.config(),
              base.architecture(),
              name -> view(params, name, manager),
              factory,
              manager,
              base.storedDtype());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return checked(model, factory, adapter, "the loaded base model");
  }

  /** A view of the base tensor {@code name} sharing its storage, owned by {@code manager}. */
  private static NDArray view(Map<String, NDArray> params, String name, NDManager manager) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalStateException("the loaded base model has no tensor " + name);
    }
    NDArray view = a.reshape(a.getShape()); // same shape, contiguous: torch returns a view
    view.attach(manager);
    return view;
  }

  private static Adapted checked(
      CausalLM model, LoraLinearFactory factory, PeftAdapter adapter, String baseName) {
    Set<String> consulted = factory.consulted();
    TensorMismatch m = new TensorMismatch();
    factory.missing().forEach(n -> m.missing(PeftNames.PREFIX + n));
    factory.wrongShapes().forEach(m::wrongShape);
    for (String module : adapter.weights().keySet()) {
      if (!consulted.contains(module)) {
        m.add(UNEXPECTED, PeftNames.loraA(module));
        m.add(UNEXPECTED, PeftNames.loraB(module));
      }
    }
    try {
      m.throwIfAny("adapter does not match the base model " + baseName + ":");
      factory.requireEveryTargetMatched("adapter_config.json target_modules");
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new Adapted(model, factory, adapter.config());
  }
}
