package dev.tuneforge.platform.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An OpenAI list object: {@code {"object":"list","data":[…],"first_id","last_id","has_more"}}.
 * Build it with {@link Page#parse} and {@link Page#of}; a client pages on with {@code
 * ?after=<last_id>} while {@code has_more} is true.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiList<T>(
    String object,
    List<T> data,
    @JsonProperty("first_id") String firstId,
    @JsonProperty("last_id") String lastId,
    @JsonProperty("has_more") boolean hasMore) {

  public static <T> ApiList<T> of(List<T> data, String firstId, String lastId, boolean hasMore) {
    return new ApiList<>("list", List.copyOf(data), firstId, lastId, hasMore);
  }
}
