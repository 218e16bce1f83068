package dev.tuneforge.events;

/**
 * The id a succeeded job's model is known by, in OpenAI's shape {@code
 * ft:<base>:<team>:<suffix>:<short id>}: the trainer shows it on the job, the registry lists it as
 * a model and the chat endpoint serves it, so all three derive it here from the same facts.
 */
public final class FineTunedModelId {
  private FineTunedModelId() {}

  /**
   * @param suffix the job's suffix; an empty segment when it has none (as OpenAI does)
   * @param jobId {@code ftjob-…}; its last 8 characters are the short id
   */
  public static String of(String baseModel, String team, String suffix, String jobId) {
    String shortId = jobId.length() <= 8 ? jobId : jobId.substring(jobId.length() - 8);
    return "ft:" + baseModel + ":" + team + ":" + (suffix == null ? "" : suffix) + ":" + shortId;
  }

  /** Whether {@code model} names a fine-tuned model rather than a base model. */
  public static boolean isFineTuned(String model) {
    return model != null && model.startsWith("ft:");
  }
}
