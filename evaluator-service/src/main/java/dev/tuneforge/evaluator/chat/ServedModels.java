package dev.tuneforge.evaluator.chat;

import dev.tuneforge.evaluator.service.ArtifactFolders;
import dev.tuneforge.evaluator.service.LoadedModel;
import dev.tuneforge.evaluator.service.RegistryAliases;
import dev.tuneforge.evaluator.service.TrainedModels;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The models the chat endpoint serves, loaded on first use and kept in two LRU caches: loaded
 * models (bases and full fine-tunes) and adapters. An adapter does not load its base again: it is
 * applied over the cached base, sharing its weights ({@link AdapterLoader#onLoadedBase}), so ten
 * adapters of one base cost one base's memory plus their LoRA factors and generators' KV caches. A
 * base leaving the cache takes its adapters with it; anything in use closes when its last request
 * ends.
 */
@ApplicationScoped
public class ServedModels {

  /**
   * What a request's {@code model} names: a base (outputPrefix and jobId null) or a run's output.
   */
  public record Ref(String id, String basePrefix, String outputPrefix, String jobId) {}

  @Inject ArtifactFolders folders;
  @Inject ArtifactStore artifacts;
  @Inject TrainedModels trained;
  @Inject RegistryAliases aliases;

  @ConfigProperty(name = "tuneforge.evaluator.chat.max-loaded-models", defaultValue = "2")
  int maxLoaded;

  @ConfigProperty(name = "tuneforge.evaluator.chat.max-adapters", defaultValue = "8")
  int maxAdapters;

  @ConfigProperty(name = "tuneforge.evaluator.chat.max-batch", defaultValue = "4")
  int maxBatch;

  @ConfigProperty(name = "tuneforge.evaluator.chat.context", defaultValue = "2048")
  int context;

  private final LinkedHashMap<String, Served> loaded = new LinkedHashMap<>(16, 0.75f, true);
  private final LinkedHashMap<String, Served> adapters = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, String> adapterBase = new LinkedHashMap<>();

  /**
   * What {@code model} names for {@code team}: a fine-tuned id of one of the team's runs, or a base
   * model in the bucket ({@code models/<name>/main/}). Empty when neither (another team's run
   * included, so its existence is not revealed).
   */
  public Optional<Ref> resolve(String model, String team) {
    if (!FineTunedModelId.isFineTuned(model) && model.indexOf('@') > 0) {
      // name@alias or name@version of the registry: the ft: id it points at now.
      return aliases
          .resolve(team, model)
          .flatMap(ft -> resolve(ft, team))
          .map(r -> new Ref(model, r.basePrefix(), r.outputPrefix(), r.jobId()));
    }
    if (FineTunedModelId.isFineTuned(model)) {
      Optional<TrainingCompleted> t = trained.byModelId(model).filter(c -> c.team().equals(team));
      if (t.isEmpty()) {
        return Optional.empty();
      }
      TrainingCompleted c = t.get();
      String revision = c.baseRevision() == null ? BucketLayout.DEFAULT_REVISION : c.baseRevision();
      return Optional.of(
          new Ref(
              model,
              BucketLayout.model(c.baseModel(), revision),
              folders.prefixOf(c.outputUri(), "outputUri"),
              c.jobId()));
    }
    String prefix;
    try {
      prefix = BucketLayout.model(model, BucketLayout.DEFAULT_REVISION);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return artifacts.exists(prefix)
        ? Optional.of(new Ref(model, prefix, null, null))
        : Optional.empty();
  }

  /** The served model for {@code ref}, loading it if needed; the caller must release it. */
  synchronized Served acquire(Ref ref) {
    Served s;
    if (ref.outputPrefix() == null) {
      s = loadedModel(ref.basePrefix(), null);
    } else {
      Path out = folders.fetch(ref.outputPrefix());
      if (Files.isRegularFile(out.resolve(AdapterConfig.FILE))) {
        s = adapter(ref.basePrefix(), ref.outputPrefix(), out);
      } else {
        s = loadedModel(ref.outputPrefix(), ref.basePrefix()); // a full fine-tune
      }
    }
    s.acquire();
    return s;
  }

  /** Keys of the models and adapters loaded now, least recently used first (for tests). */
  public synchronized List<String> residentKeys() {
    List<String> keys = new ArrayList<>(loaded.keySet());
    keys.addAll(adapters.keySet());
    return keys;
  }

  /**
   * @param basePrefix for a full fine-tune, the base whose tokenizer it may lack; else null
   */
  private Served loadedModel(String prefix, String basePrefix) {
    Served s = loaded.get(prefix);
    if (s != null) {
      return s;
    }
    Path dir = folders.fetch(prefix);
    LoadedModel m =
        basePrefix == null
            ? LoadedModel.base(dir)
            : LoadedModel.tuned(folders.fetch(basePrefix), dir);
    try {
      s = new Served(prefix, m.model(), m.tokenizer(), m.template(), m, null, maxBatch, context);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    loaded.put(prefix, s);
    while (loaded.size() > maxLoaded) {
      Iterator<Map.Entry<String, Served>> it = loaded.entrySet().iterator();
      Map.Entry<String, Served> eldest = it.next();
      it.remove();
      retireAdaptersOf(eldest.getKey());
      eldest.getValue().retire();
    }
    return s;
  }

  private Served adapter(String basePrefix, String adapterPrefix, Path adapterDir) {
    Served s = adapters.get(adapterPrefix);
    if (s != null && basePrefix.equals(adapterBase.get(adapterPrefix))) {
      loaded.get(basePrefix); // touch the base too: it is in use through its adapter
      return s;
    }
    Served base = loadedModel(basePrefix, null);
    AdapterLoader.Adapted a = AdapterLoader.onLoadedBase(base.model, PeftAdapter.read(adapterDir));
    try {
      s =
          new Served(
              adapterPrefix, a.model(), base.tokenizer, base.template, a, base, maxBatch, context);
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
    adapters.put(adapterPrefix, s);
    adapterBase.put(adapterPrefix, basePrefix);
    while (adapters.size() > maxAdapters) {
      Iterator<Map.Entry<String, Served>> it = adapters.entrySet().iterator();
      Map.Entry<String, Served> eldest = it.next();
      it.remove();
      adapterBase.remove(eldest.getKey());
      eldest.getValue().retire();
    }
    return s;
  }

  private void retireAdaptersOf(String basePrefix) {
    for (Iterator<Map.Entry<String, Served>> it = adapters.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Served> e = it.next();
      if (basePrefix.equals(adapterBase.get(e.getKey()))) {
        it.remove();
        adapterBase.remove(e.getKey());
        e.getValue().retire();
      }
    }
  }

  @PreDestroy
  synchronized void closeAll() {
    adapters.values().forEach(Served::retire);
    loaded.values().forEach(Served::retire);
    adapters.clear();
    loaded.clear();
  }
}
