package dev.tuneforge.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.cli.client.ApiError;
import org.junit.jupiter.api.Test;

/**
 * Chunks in the shape evaluator-service's ChatResource streams (OpenAI's chat.completion.chunk).
 */
class ChatCommandTest {

  @Test
  void eachChunkAddsItsDeltaContent() {
    String head =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":";
    String tail = ",\"logprobs\":null,\"finish_reason\":null}]}";
    assertEquals("", ChatCommand.delta(head + "{\"role\":\"assistant\",\"content\":\"\"}" + tail));
    assertEquals("Hel", ChatCommand.delta(head + "{\"content\":\"Hel\"}" + tail));
    assertEquals("", ChatCommand.delta(head + "{}" + tail.replace("null}", "\"stop\"}")));
    // the usage chunk has no choices
    assertEquals(
        "",
        ChatCommand.delta(
            "{\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"total_tokens\":3}}"));
  }

  @Test
  void anErrorInTheStreamOrAChunkThatIsNotJsonFails() {
    var e =
        assertThrows(
            ApiError.class, () -> ChatCommand.delta("{\"error\":{\"message\":\"out of memory\"}}"));
    assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
    assertThrows(ApiError.class, () -> ChatCommand.delta("not json"));
  }
}
