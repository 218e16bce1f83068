package dev.tuneforge.dataset.curation;

/**
 * Counts tokens the way the target base model's tokenizer does. The service plugs in a Hugging Face
 * tokenizer; tests and the benchmark use {@link WhitespaceTokenCounter}.
 */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);
}
