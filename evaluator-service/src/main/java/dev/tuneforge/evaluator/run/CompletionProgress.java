package dev.tuneforge.evaluator.run;

/** Told after each decoded batch how far a model's greedy completions have got. */
@FunctionalInterface
public interface CompletionProgress {
  /**
   * @param part what is completed: {@code validation} or {@code suite}
   * @param done completions made so far in that part
   * @param total completions that part needs
   */
  void completed(String part, int done, int total);
}
