package dev.tuneforge.platform;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a client sees has the OpenAI shape, so SDKs raise their usual exceptions with our
 * message.
 */
public class ApiExceptionMappers {

  private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return body(e.status(), e.type(), e.param(), e.code(), e.getMessage());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return body(
        status,
        status >= 500 ? "server_error" : "invalid_request_error",
        null,
        null,
        e.getMessage() == null
            ? Response.Status.fromStatusCode(status).getReasonPhrase()
            : e.getMessage());
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    LOG.error("unexpected error", e);
    return body(
        500,
        "server_error",
        null,
        null,
        "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /**
   * An {@link Error} (out of memory above all: a model or request too large for this process) is
   * answered with one clean line, never a stack trace; running out of memory is 503 because the
   * same request may fit on a replica with more room.
   */
  @ServerExceptionMapper
  public Response error(Error e) {
    LOG.error("error while answering a request", e);
    if (e instanceof OutOfMemoryError) {
      long maxHeapMiB = Runtime.getRuntime().maxMemory() >> 20;
      return body(
          503,
          "server_error",
          null,
          "out_of_memory",
          "out of memory ("
              + e.getMessage()
              + "; heap limit "
              + maxHeapMiB
              + " MiB): the request or model does not fit in this process");
    }
    return body(
        500,
        "server_error",
        null,
        "internal_error",
        "internal error: " + e.getClass().getSimpleName());
  }

  public static Response body(int status, String type, String param, String code, String message) {
    Map<String, Object> error = new HashMap<>();
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", error))
        .build();
  }
}
