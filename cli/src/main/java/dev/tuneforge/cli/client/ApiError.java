package dev.tuneforge.cli.client;

/**
 * A request that failed: the server answered an error (its {@code error.message} and {@code param}
 * are in the message), or it could not be reached, or no key was found. The launcher prints the
 * message and exits with 1. It is an {@link IllegalStateException} so callers that catch the
 * platform's refusals by that type keep working.
 */
public final class ApiError extends IllegalStateException {

  /** The HTTP status, or 0 when no answer came. */
  private final int status;

  private final String param;
  private final String code;

  public ApiError(String message) {
    this(0, message, null, null);
  }

  public ApiError(int status, String message, String param, String code) {
    super(message);
    this.status = status;
    this.param = param;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The request field the server named, or null. */
  public String param() {
    return param;
  }

  /** The server's machine-readable code ({@code model_not_found}, …), or null. */
  public String code() {
    return code;
  }
}
