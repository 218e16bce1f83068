package dev.tuneforge.events;

import java.util.Set;

/**
 * A job ended with an error. {@code reason} is the message a person reads; {@code code} says what
 * kind of failure it was, for programs (one of {@link #CODES}); {@code param} names the request
 * field at fault when there is one ({@code training_file}, {@code tuneforge.lora_r}), as OpenAI's
 * job {@code error.param}.
 *
 * <p>Records written before {@code code} existed carry none; they decode with the code their reason
 * implies ({@link #codeOf}), so a consumer always sees one.
 *
 * @param code one of {@link #CODES}; null (only in records written before it existed) is replaced
 *     by {@link #codeOf}{@code (reason)}
 * @param param the request field the failure is about, or null when it is not about one field
 */
public record TrainingFailed(
    String jobId, String reason, @Nullable Long step, @Nullable String code, @Nullable String param)
    implements Event {

  /** The request was refused by the job validator: a setting, the model or a field is invalid. */
  public static final String INVALID_REQUEST = "invalid_request";

  /** The uploaded file or dataset the request names does not exist (or is another team's). */
  public static final String FILE_NOT_FOUND = "file_not_found";

  /**
   * The named file or dataset exists but cannot be trained on: it failed validation, curation
   * rejected it, or it holds no usable records.
   */
  public static final String DATA_ERROR = "data_error";

  /** The run ran out of memory (Java heap or native memory of the job process). */
  public static final String OUT_OF_MEMORY = "out_of_memory";

  /**
   * The job's process died without reporting how its run ended (a native crash such as SIGSEGV,
   * killed, exited on its own); the reason names the signal or exit code.
   */
  public static final String ENGINE_CRASHED = "engine_crashed";

  /** A service the job needs (dataset-service, for curating a file) did not answer in time. */
  public static final String SERVICE_UNAVAILABLE = "service_unavailable";

  /** The run failed with an error while training (NaN loss, I/O); the generic code. */
  public static final String TRAINING_ERROR = "training_error";

  /** Every code a TrainingFailed carries. */
  public static final Set<String> CODES =
      Set.of(
          INVALID_REQUEST,
          FILE_NOT_FOUND,
          DATA_ERROR,
          OUT_OF_MEMORY,
          ENGINE_CRASHED,
          SERVICE_UNAVAILABLE,
          TRAINING_ERROR);

  public TrainingFailed {
    if (code == null || code.isBlank()) {
      code = codeOf(reason);
    }
  }

  /**
   * The code of a record written without one: reasons of crashed job processes started with {@code
   * engine_crashed:}, those of runs that ran out of memory with the error's class name, {@code
   * OutOfMemoryError:}; any other failure is a {@link #TRAINING_ERROR}.
   */
  public static String codeOf(String reason) {
    if (reason == null) {
      return TRAINING_ERROR;
    } else if (reason.startsWith(ENGINE_CRASHED + ":")) {
      return ENGINE_CRASHED;
    } else if (reason.startsWith("OutOfMemoryError:")) {
      return OUT_OF_MEMORY;
    }
    return TRAINING_ERROR;
  }

  @Override
  public String key() {
    return jobId;
  }
}
