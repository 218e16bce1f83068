package dev.tuneforge.evaluator.service;

import dev.tuneforge.events.AdapterKeys;
import dev.tuneforge.events.AdapterVersionRecorded;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which fine-tuned model {@code name@alias} or {@code name@<version>} names for a team, folded from
 * the registry's current version records. The registry rewrites a version's record after every
 * change, so when an alias moves, the new holder's record lists it and the old holder's record no
 * longer does, in either order; an alias is therefore removed only from the version that held it.
 */
final class AliasTable {
  /** team/name → alias → ft: id */
  private final Map<String, Map<String, String>> aliases = new ConcurrentHashMap<>();

  /** team/name → version number → ft: id */
  private final Map<String, Map<String, String>> versions = new ConcurrentHashMap<>();

  void apply(AdapterVersionRecorded r) {
    String key = AdapterKeys.of(r.team(), r.name());
    String model = r.fineTunedModel();
    boolean archived = "archived".equals(r.stage());
    Map<String, String> byVersion = versions.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    if (archived) {
      byVersion.remove(Integer.toString(r.version()));
    } else {
      byVersion.put(Integer.toString(r.version()), model);
    }
    Map<String, String> byAlias = aliases.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    byAlias
        .entrySet()
        .removeIf(
            e -> e.getValue().equals(model) && (archived || !r.aliases().contains(e.getKey())));
    if (!archived) {
      r.aliases().forEach(alias -> byAlias.put(alias, model));
    }
  }

  /**
   * The ft: id {@code ref} ({@code name@alias} or {@code name@3}) names for {@code team}; empty
   * when it names nothing of that team's.
   */
  Optional<String> resolve(String team, String ref) {
    int at = ref.lastIndexOf('@');
    if (at <= 0 || at == ref.length() - 1) {
      return Optional.empty();
    }
    String key = AdapterKeys.of(team, ref.substring(0, at));
    String tag = ref.substring(at + 1);
    String byVersion = versions.getOrDefault(key, Map.of()).get(tag);
    if (byVersion != null) {
      return Optional.of(byVersion);
    }
    return Optional.ofNullable(aliases.getOrDefault(key, Map.of()).get(tag));
  }
}
