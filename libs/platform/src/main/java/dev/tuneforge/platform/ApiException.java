package dev.tuneforge.platform;

/**
 * A client error in the OpenAI error shape: {@code {"error":{"message","type","param","code"}}}.
 * {@code param} names the field, form part or path element that is wrong.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  public ApiException(int status, String type, String param, String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  public static ApiException invalid(String param, String message) {
    return new ApiException(400, "invalid_request_error", param, "invalid_" + (param == null ? "request" : param.replaceAll("[^a-z_]", "_")), message);
  }

  public static ApiException notFound(String param, String message) {
    return new ApiException(404, "invalid_request_error", param, "not_found", message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }
}
