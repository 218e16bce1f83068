package dev.tuneforge.llm.train.job;

/** A job configuration error; the message starts with the offending key. */
public final class JobConfigException extends IllegalArgumentException {

  private final String key;

  public JobConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** The key at fault, e.g. {@code learning_rate} or {@code datasets[1].type}. */
  public String key() {
    return key;
  }
}
