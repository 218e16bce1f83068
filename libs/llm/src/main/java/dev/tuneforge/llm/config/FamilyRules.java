package dev.tuneforge.llm.config;

/**
 * A model family's config rules: how its {@code config.json} switches the optional parts of the
 * shared decoder. Implemented by each family's architecture ({@code model/<family>}).
 */
public interface FamilyRules {

  /** Reads the family's own keys; errors name the key. Sizes are already checked when called. */
  FamilyTraits traits(ConfigJson config);
}
