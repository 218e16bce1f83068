package dev.tuneforge.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.client.ApiCommand;
import dev.tuneforge.cli.client.ApiError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tuneforge chat MODEL [PROMPT]}: {@code /v1/chat/completions} with {@code stream: true},
 * tokens printed as they arrive. With a prompt, one answer; without, a conversation read line by
 * line from standard input (the history is sent each turn) until an empty line, {@code /exit} or
 * end of input.
 */
@Command(
    name = "chat",
    description =
        "Chat with a base model, a fine-tuned model (ft:…) or a registry alias (name@production);"
            + " answers stream as they are generated. Without PROMPT: an interactive conversation.",
    footer = {
      "",
      "Examples:",
      "  tuneforge chat tuneforge-demo-base \"What is 2 plus 3?\"",
      "  tuneforge chat chats@production --system \"Answer briefly.\"   (interactive; /exit ends)"
    })
public final class ChatCommand extends ApiCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "MODEL")
  String model;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT")
  String prompt;

  @Option(names = "--system", description = "A system message before the conversation.")
  String system;

  @Option(names = "--max-tokens", description = "At most this many tokens per answer.")
  Integer maxTokens;

  @Option(names = "--temperature", description = "0 = greedy (default: the server's, 1).")
  Double temperature;

  @Option(names = "--seed", description = "Sampling seed, for repeatable answers.")
  Long seed;

  @Override
  protected int run() throws IOException {
    List<Map<String, String>> messages = new ArrayList<>();
    if (system != null) {
      messages.add(Map.of("role", "system", "content", system));
    }
    if (prompt != null) {
      messages.add(Map.of("role", "user", "content", prompt));
      answer(messages);
      return 0;
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    err().println("chatting with " + model + "; an empty line, /exit or Ctrl-D ends");
    while (true) {
      err().print("> ");
      err().flush();
      String line = in.readLine();
      if (line == null || line.isBlank() || line.strip().equals("/exit")) {
        return 0;
      }
      messages.add(Map.of("role", "user", "content", line));
      messages.add(Map.of("role", "assistant", "content", answer(messages)));
    }
  }

  /** Streams one answer to the output as it is generated; returns its whole text. */
  String answer(List<Map<String, String>> messages) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("messages", messages);
    body.put("stream", true);
    if (maxTokens != null) {
      body.put("max_tokens", maxTokens);
    }
    if (temperature != null) {
      body.put("temperature", temperature);
    }
    if (seed != null) {
      body.put("seed", seed);
    }
    StringBuilder text = new StringBuilder();
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    client().stream(
        client()
            .request("/v1/chat/completions")
            .timeout(Duration.ofMinutes(30))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(json))
            .build(),
        data -> {
          String delta = delta(data);
          text.append(delta);
          out().print(delta);
          out().flush();
          return true;
        });
    out().println();
    out().flush();
    return text.toString();
  }

  /** The text a {@code chat.completion.chunk} adds ({@code choices[0].delta.content}). */
  static String delta(String data) {
    JsonNode chunk;
    try {
      chunk = JSON.readTree(data);
    } catch (IOException e) {
      throw new ApiError("a chat chunk is not JSON: " + data);
    }
    if (chunk.has("error")) {
      throw new ApiError("the answer broke off: " + chunk.at("/error/message").asText());
    }
    return chunk.at("/choices/0/delta/content").asText("");
  }
}
