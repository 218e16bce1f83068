package dev.tuneforge.platform;

import dev.tuneforge.platform.api.FieldError;
import java.util.List;

/**
 * A client error in the OpenAI error shape: {@code {"error":{"message","type","param","code"}}}.
 * {@code param} names the field, form part or path element that is wrong. Thrown only by the REST
 * layer (resources, filters, request parsing); domain code returns {@link FieldError}s instead.
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
    return new ApiException(
        400,
        "invalid_request_error",
        param,
        "invalid_" + (param == null ? "request" : param.replaceAll("[^a-z_]", "_")),
        message);
  }

  /** A 400 for the first field error, with every error in the message. */
  public static ApiException invalid(List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("no field errors to report");
    }
    FieldError first = errors.get(0);
    return invalid(first.param(), FieldError.join(errors));
  }

  public static ApiException invalid(FieldError error) {
    return invalid(List.of(error));
  }

  /** 401: no usable API key. The message says what to send; it never echoes the presented key. */
  public static ApiException unauthorized(String message) {
    return new ApiException(401, "invalid_request_error", null, "invalid_api_key", message);
  }

  /** 403: a valid key whose role does not allow the operation. */
  public static ApiException forbidden(String message) {
    return new ApiException(403, "permission_error", null, "insufficient_role", message);
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
