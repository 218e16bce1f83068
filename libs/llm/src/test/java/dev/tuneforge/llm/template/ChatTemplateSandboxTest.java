package dev.tuneforge.llm.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.testutil.Bounded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile chat templates, as a model repository could ship them: each one fails with an error
 * naming the tag or limit, within bounded CPU time and heap. Bounds are generous (CPU time of the
 * rendering thread, so other builds on the machine do not matter); unbounded, these templates would
 * run for hours or need terabytes.
 */
class ChatTemplateSandboxTest {

  private static final List<ChatMessage> CHAT = List.of(ChatMessage.user("Hi"));

  /** The limit is 2 s of CPU; the margin covers the check interval and JIT warm-up. */
  private static final long MAX_CPU_MILLIS = 6_000;

  private static final long MAX_HEAP_MIB = 768;

  @BeforeAll
  static void warmUp() {
    ChatTemplate.of("{{ messages[0].content }}", null, null).render(CHAT, false);
  }

  private static ChatTemplateException failsWithinBounds(String source) {
    Bounded.Cost cost =
        Bounded.measure(() -> ChatTemplate.of(source, null, null).render(CHAT, false));
    System.out.println(source.substring(0, Math.min(80, source.length())) + ": " + cost);
    ChatTemplateException e =
        assertInstanceOf(
            ChatTemplateException.class, cost.thrown(), "expected a ChatTemplateException");
    assertTrue(cost.cpuMillis() < MAX_CPU_MILLIS, "CPU time bounded: " + cost);
    assertTrue(cost.peakHeapGrowthMib() < MAX_HEAP_MIB, "heap bounded: " + cost);
    return e;
  }

  @Test
  void tagsThatReadFilesAreRefusedByName(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cret");
    for (String tag : List.of("include", "import", "from", "extends")) {
      String statement =
          switch (tag) {
            case "import" -> "import '" + secret + "' as m";
            case "from" -> "from '" + secret + "' import x";
            default -> tag + " '" + secret + "'";
          };
      ChatTemplateException e = failsWithinBounds("Hello\n{%- " + statement + " %}");
      assertTrue(
          e.getMessage().contains("{% " + tag + " %}")
              && e.getMessage().contains("line 2")
              && e.getMessage().contains("may not read files"),
          e.getMessage());
    }
  }

  @Test
  void noOtherPathReachesAFile() {
    assertTrue(
        failsWithinBounds("{{ '{% include \"/etc/passwd\" %}'|render }}")
            .getMessage()
            .contains("'render' is disabled"));
    assertTrue(
        failsWithinBounds("{{ ____int3rpr3t3r____.config }}")
            .getMessage()
            .contains("interpreter variable"));
  }

  @Test
  void aBillionLoopIterationsStopOnTheStepLimit() {
    String bodies =
        failsWithinBounds(
                "{% for i in range(100000) %}{% for j in range(10000) %}"
                    + "{{ j }}{% endfor %}{% endfor %}")
            .getMessage();
    assertTrue(bodies.contains("rendering steps"), bodies);
    // Empty bodies render no node: the loop itself counts.
    String empty =
        failsWithinBounds(
                "{% for i in range(100000) %}{% for j in range(100000) %}"
                    + "{% endfor %}{% endfor %}")
            .getMessage();
    assertTrue(empty.contains("rendering steps"), empty);
  }

  @Test
  void doublingAStringFortyTimesStopsOnTheSizeLimit() {
    String concat =
        failsWithinBounds(
                "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
                    + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}")
            .getMessage();
    assertTrue(concat.contains("over limit of 8388608"), concat);
    String replace =
        failsWithinBounds(
                "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
                    + "{% set ns.s = ns.s.replace('a', 'aa') %}{% endfor %}{{ ns.s }}")
            .getMessage();
    assertTrue(replace.contains("'replace()'") && replace.contains("8388608"), replace);
    String list =
        failsWithinBounds(
                "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}"
                    + "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}")
            .getMessage();
    assertTrue(list.contains("greater than the maximum size"), list);
    String center = failsWithinBounds("{{ 'x'|center(1000000000) }}").getMessage();
    assertTrue(center.contains("filter 'center'"), center);
    String format = failsWithinBounds("{{ '%999999999s'|format('x') }}").getMessage();
    assertTrue(format.contains("filter 'format'"), format);
  }

  @Test
  void rangeIsLimitedLikeJinja2sSandboxNeverCutShort() {
    String expected =
        LongStream.range(0, 2000).mapToObj(Long::toString).collect(Collectors.joining(","));
    assertEquals(
        expected, ChatTemplate.of("{{ range(2000)|join(',') }}", null, null).render(CHAT, false));
    assertEquals(
        "100000", ChatTemplate.of("{{ range(100000)|length }}", null, null).render(CHAT, false));
    assertEquals(
        "[5, 3, 1]", ChatTemplate.of("{{ range(5, 0, -2) }}", null, null).render(CHAT, false));
    String big = failsWithinBounds("{% for i in range(1000000000) %}x{% endfor %}").getMessage();
    assertTrue(
        big.contains("range too big")
            && big.contains("1000000000 items")
            && big.contains("at most 100000"),
        big);
    assertTrue(failsWithinBounds("{{ range(3, 9, 0) }}").getMessage().contains("must not be zero"));
  }

  @Test
  void macroRecursionIsLimitedLikeJinja2() {
    assertEquals(
        "x".repeat(100),
        ChatTemplate.of(
                "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}x"
                    + "{% endif %}{% endmacro %}{{ f(100) }}",
                null, null)
            .render(CHAT, false));
    String endless =
        failsWithinBounds("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}").getMessage();
    assertTrue(endless.contains("Max recursion limit of 128 reached for macro 'f'"), endless);
  }

  @Test
  void deepNestingIsRefusedBeforeParsing() {
    String brackets =
        failsWithinBounds("{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}").getMessage();
    assertTrue(brackets.contains("nests brackets more than 100 deep at line 1"), brackets);
    String blocks =
        failsWithinBounds("\n" + "{% if true %}".repeat(5000) + "x" + "{% endif %}".repeat(5000))
            .getMessage();
    assertTrue(blocks.contains("nests blocks more than 100 deep at line 2"), blocks);
    String source = failsWithinBounds("x".repeat((1 << 20) + 1)).getMessage();
    assertTrue(source.contains("over the limit of 1048576"), source);
  }

  @Test
  void limitsCanBeLowered() {
    TemplateLimits tight =
        new TemplateLimits(50, TemplateLimits.DEFAULT.timeout(), 1000, 10, 5, 10_000);
    ChatTemplate loop = ChatTemplate.of("{% for i in range(10) %}{{ i }}{% endfor %}", null, null);
    assertEquals("0123456789", loop.render(CHAT, false));
    ChatTemplate tightLoop =
        ChatTemplate.of(
                "{% for i in range(10) %}{% for j in range(10) %}"
                    + "{{ j }}{% endfor %}{% endfor %}",
                null, null)
            .withLimits(tight);
    assertTrue(
        assertThrows(ChatTemplateException.class, () -> tightLoop.render(CHAT, false))
            .getMessage()
            .contains("exceeded 50 rendering steps"));
  }
}
