package dev.tuneforge.platform.api;

import dev.tuneforge.platform.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The paging parameters of a list request ({@code after}, {@code limit} 1–100, default 20) and the
 * one place that cuts a page out of an ordered list. The cursor is the id of the last object a
 * client saw; an id that is not in the list (never was, or another team's) is a 400 naming {@code
 * after}, not a silently empty page.
 */
public record Page(String after, int limit) {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  /**
   * From raw query values, so a non-number {@code limit} is our 400 naming it, not a framework 404.
   */
  public static Page parse(String after, String limit) {
    int n = DEFAULT_LIMIT;
    if (limit != null) {
      try {
        n = Integer.parseInt(limit.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalid(
            "limit",
            "limit must be a whole number from 1 to " + MAX_LIMIT + ", was '" + limit + "'");
      }
      if (n < 1 || n > MAX_LIMIT) {
        throw ApiException.invalid("limit", "limit must be from 1 to " + MAX_LIMIT + ", was " + n);
      }
    }
    return new Page(after == null || after.isEmpty() ? null : after, n);
  }

  /** The page of {@code ordered} after the cursor, in the list's own order. */
  public <T> ApiList<T> of(List<T> ordered, Function<T, String> id) {
    int start = 0;
    if (after != null) {
      start = -1;
      for (int i = 0; i < ordered.size(); i++) {
        if (after.equals(id.apply(ordered.get(i)))) {
          start = i + 1;
          break;
        }
      }
      if (start < 0) {
        throw ApiException.invalid(
            "after", "no object with id '" + after + "' in this list to page after");
      }
    }
    int end = Math.min(ordered.size(), start + limit);
    List<T> data = new ArrayList<>(ordered.subList(start, end));
    return ApiList.of(
        data,
        data.isEmpty() ? null : id.apply(data.get(0)),
        data.isEmpty() ? null : id.apply(data.get(data.size() - 1)),
        end < ordered.size());
  }
}
