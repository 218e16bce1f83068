package dev.tuneforge.trainer.jobs;

/**
 * A fine-tuning job's status under OpenAI's names. TuneForge validates files before it accepts a
 * job, so a job starts at {@code queued}; the last three are final.
 */
public enum JobStatus {
  QUEUED("queued"),
  RUNNING("running"),
  SUCCEEDED("succeeded"),
  FAILED("failed"),
  CANCELLED("cancelled");

  private final String openAi;

  JobStatus(String openAi) {
    this.openAi = openAi;
  }

  /** The value of the {@code status} field in OpenAI's fine_tuning.job object. */
  public String openAi() {
    return openAi;
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
