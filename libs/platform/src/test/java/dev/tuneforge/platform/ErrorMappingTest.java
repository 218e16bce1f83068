package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Errors reach clients as one line in the OpenAI error shape, never as a stack trace. */
class ErrorMappingTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> error(Response r) {
    return (Map<String, Object>) ((Map<String, Object>) r.getEntity()).get("error");
  }

  @Test
  void outOfMemoryIsA503WithOneLineNamingTheHeapLimit() {
    Response r = new ApiExceptionMappers().error(new OutOfMemoryError("Java heap space"));
    assertEquals(503, r.getStatus());
    Map<String, Object> e = error(r);
    assertEquals("out_of_memory", e.get("code"));
    String message = (String) e.get("message");
    assertTrue(message.contains("Java heap space") && message.contains("heap limit"), message);
    assertTrue(!message.contains("\n") && !message.contains("\tat "), message);
  }

  @Test
  void otherErrorsAreA500NamingOnlyTheirKind() {
    Response r = new ApiExceptionMappers().error(new StackOverflowError());
    assertEquals(500, r.getStatus());
    assertEquals("internal error: StackOverflowError", error(r).get("message"));
  }
}
