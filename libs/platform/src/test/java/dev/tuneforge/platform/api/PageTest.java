package dev.tuneforge.platform.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.platform.ApiException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PageTest {

  static final List<String> IDS = List.of("a", "b", "c", "d", "e");

  @Test
  void pagesWalkTheWholeListOnceInOrder() {
    ApiList<String> first = Page.parse(null, "2").of(IDS, Function.identity());
    assertEquals(List.of("a", "b"), first.data());
    assertEquals("a", first.firstId());
    assertEquals("b", first.lastId());
    assertTrue(first.hasMore());
    assertEquals("list", first.object());
    ApiList<String> second = Page.parse(first.lastId(), "2").of(IDS, Function.identity());
    assertEquals(List.of("c", "d"), second.data());
    ApiList<String> last = Page.parse(second.lastId(), "2").of(IDS, Function.identity());
    assertEquals(List.of("e"), last.data());
    assertFalse(last.hasMore());
    ApiList<String> after = Page.parse("e", null).of(IDS, Function.identity());
    assertTrue(after.data().isEmpty());
    assertNull(after.firstId());
    assertNull(after.lastId());
  }

  @Test
  void defaultLimitIsTwentyAndExactlyFullIsNotMore() {
    List<String> many = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "id" + i).toList();
    assertEquals(20, Page.parse(null, null).of(many, Function.identity()).data().size());
    assertFalse(Page.parse(null, "100").of(IDS, Function.identity()).hasMore());
    assertFalse(Page.parse(null, "5").of(IDS, Function.identity()).hasMore());
  }

  @Test
  void badLimitAndUnknownCursorAre400NamingTheParam() {
    for (String bad : List.of("0", "101", "-3", "ten", "1.5", "")) {
      ApiException e = assertThrows(ApiException.class, () -> Page.parse(null, bad));
      assertEquals(400, e.status());
      assertEquals("limit", e.param());
    }
    ApiException e =
        assertThrows(ApiException.class, () -> Page.parse("zz", null).of(IDS, Function.identity()));
    assertEquals("after", e.param());
    assertTrue(e.getMessage().contains("zz"));
  }
}
