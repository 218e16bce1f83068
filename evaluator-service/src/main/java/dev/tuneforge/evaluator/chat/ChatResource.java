package dev.tuneforge.evaluator.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.llm.generate.FinishReason;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.template.ChatTemplateException;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/chat/completions} in OpenAI's shape, for any base model in the bucket or any of
 * the team's fine-tuned models ({@code ft:…}). The model's own chat template renders the prompt;
 * requests to one model share its batched generator. With {@code stream: true} the answer is
 * server-sent {@code chat.completion.chunk} events ending with {@code data: [DONE]}, so the
 * official SDKs' streaming works unchanged.
 */
@Path("/v1/chat/completions")
@Blocking
public class ChatResource {

  @Inject ServedModels models;
  @Inject ObjectMapper json;
  @Inject Caller caller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
  public Response complete(String body) {
    caller.requireRole(Role.TRAINER);
    JsonNode node;
    try {
      node = json.readTree(body == null ? "" : body);
    } catch (IOException e) {
      throw ApiException.invalid("body", "not valid JSON: " + e.getMessage());
    }
    Parsed<ChatRequest> parsed = ChatRequest.parse(node);
    if (!parsed.ok()) {
      throw ApiException.invalid(parsed.errors());
    }
    ChatRequest req = parsed.value();
    ServedModels.Ref ref =
        models
            .resolve(req.model(), caller.team())
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "invalid_request_error",
                        "model",
                        "model_not_found",
                        "The model '"
                            + req.model()
                            + "' does not exist or you do not have access to it."));
    Served served = models.acquire(ref);
    try {
      int[] prompt;
      try {
        prompt = served.promptIds(req.messages());
      } catch (ChatTemplateException e) {
        throw ApiException.invalid(
            "messages", "the model's chat template failed: " + e.getMessage());
      }
      GenerationConfig config = config(req, served, prompt.length);
      Completion c = new Completion(req, ref.id(), prompt.length);
      if (!req.stream()) {
        Generation g = join(served.generator.submit(prompt, config, null));
        served.release();
        return Response.ok(c.response(g), MediaType.APPLICATION_JSON).build();
      }
      StreamingOutput out = stream -> stream(served, prompt, config, c, stream);
      return Response.ok(out, MediaType.SERVER_SENT_EVENTS)
          .header("Cache-Control", "no-cache")
          .build();
    } catch (RuntimeException e) {
      served.release();
      throw e;
    }
  }

  private static GenerationConfig config(ChatRequest req, Served served, int promptTokens) {
    int room = served.capacity - promptTokens;
    if (room < 1) {
      throw ApiException.invalid(
          "messages",
          "the prompt has "
              + promptTokens
              + " tokens; this model serves contexts of "
              + served.capacity
              + " tokens");
    }
    int max = req.maxTokens() == null ? room : req.maxTokens();
    if (max > room) {
      throw ApiException.invalid(
          "max_tokens",
          "the prompt ("
              + promptTokens
              + " tokens) plus max_tokens ("
              + max
              + ") exceed this model's context of "
              + served.capacity
              + " tokens; at most "
              + room
              + " fit");
    }
    long seed = req.seed() != null ? req.seed() : ThreadLocalRandom.current().nextLong();
    return new GenerationConfig(
        max, req.temperature(), 0, req.topP(), seed, served.eos, req.stop());
  }

  private static Generation join(CompletableFuture<Generation> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Tokens as SSE chunks: text deltas as they are decoded, then the finish, usage and [DONE]. */
  private void stream(
      Served served, int[] prompt, GenerationConfig config, Completion c, OutputStream out)
      throws IOException {
    BlockingQueue<Integer> tokens = new LinkedBlockingQueue<>();
    CompletableFuture<Generation> f = served.generator.submit(prompt, config, tokens::add);
    try {
      send(out, c.chunk(Map.of("role", "assistant", "content", ""), null));
      int holdBack = config.stopStrings().stream().mapToInt(String::length).max().orElse(1) - 1;
      List<Integer> ids = new ArrayList<>();
      String emitted = "";
      while (true) {
        Integer t = tokens.poll(20, TimeUnit.MILLISECONDS);
        if (t == null) {
          if (f.isDone() && tokens.isEmpty()) {
            break;
          }
          continue;
        }
        ids.add(t);
        tokens.drainTo(ids);
        String safe = safePrefix(served.decode(ids.stream().mapToInt(i -> i).toArray()), holdBack);
        if (safe.length() > emitted.length() && safe.startsWith(emitted)) {
          send(out, c.chunk(Map.of("content", safe.substring(emitted.length())), null));
          emitted = safe;
        }
      }
      Generation g = join(f);
      String text = g.text() == null ? "" : g.text();
      if (text.length() > emitted.length() && text.startsWith(emitted)) {
        send(out, c.chunk(Map.of("content", text.substring(emitted.length())), null));
      }
      send(out, c.chunk(Map.of(), finishReason(g)));
      if (c.req.includeUsage()) {
        Map<String, Object> usage = c.base("chat.completion.chunk");
        usage.put("choices", List.of());
        usage.put("usage", c.usage(g));
        send(out, usage);
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
    } catch (IOException | RuntimeException e) {
      f.cancel(true); // the client went away: free the generator's row
      throw e;
    } finally {
      served.release();
    }
  }

  /**
   * What may be shown of a partial decode: no trailing replacement character (a multi-byte
   * character not complete yet) and not the last {@code holdBack} characters, which could be the
   * start of a stop string.
   */
  static String safePrefix(String text, int holdBack) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
      end--;
    }
    end = Math.max(0, end - holdBack);
    if (end > 0 && end < text.length() && Character.isLowSurrogate(text.charAt(end))) {
      end--;
    }
    return text.substring(0, end);
  }

  private void send(OutputStream out, Object event) throws IOException {
    out.write(
        ("data: " + json.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static String finishReason(Generation g) {
    return g.finishReason() == FinishReason.LENGTH ? "length" : "stop";
  }

  /** The fields every response and chunk of one completion share. */
  private static final class Completion {
    final ChatRequest req;
    final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    final long created = System.currentTimeMillis() / 1000;
    final String model;
    final int promptTokens;

    Completion(ChatRequest req, String model, int promptTokens) {
      this.req = req;
      this.model = model;
      this.promptTokens = promptTokens;
    }

    Map<String, Object> base(String object) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("object", object);
      m.put("created", created);
      m.put("model", model);
      m.put("system_fingerprint", null);
      return m;
    }

    Map<String, Object> usage(Generation g) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("prompt_tokens", promptTokens);
      u.put("completion_tokens", g.tokens().length);
      u.put("total_tokens", promptTokens + g.tokens().length);
      return u;
    }

    Map<String, Object> response(Generation g) {
      Map<String, Object> m = base("chat.completion");
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", "assistant");
      message.put("content", g.text());
      message.put("refusal", null);
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", 0);
      choice.put("message", message);
      choice.put("logprobs", null);
      choice.put("finish_reason", finishReason(g));
      m.put("choices", List.of(choice));
      m.put("usage", usage(g));
      return m;
    }

    Map<String, Object> chunk(Map<String, Object> delta, String finishReason) {
      Map<String, Object> m = base("chat.completion.chunk");
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", 0);
      choice.put("delta", delta);
      choice.put("logprobs", null);
      choice.put("finish_reason", finishReason);
      m.put("choices", List.of(choice));
      return m;
    }
  }
}
