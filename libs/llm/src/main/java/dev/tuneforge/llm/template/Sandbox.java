package dev.tuneforge.llm.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.tree.TagNode;
import java.io.IOException;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox a chat template renders in: what Jinja2's {@code ImmutableSandboxedEnvironment} gives
 * transformers, plus the bounds Jinja2 gets from CPython for free.
 *
 * <ul>
 *   <li>No file or classpath access: {@code include}/{@code import}/{@code from}/{@code extends}
 *       are refused before parsing ({@link JinjaSource}), the tags are disabled, and the resource
 *       locator refuses every name, so no other path (e.g. Jinjava's {@code render} filter, also
 *       disabled) reaches a file.
 *   <li>Bounded work: every rendered node, loop iteration and filter call ticks the {@link
 *       RenderBudget}; loops tick per iteration even with an empty body.
 *   <li>Bounded memory: the output, every string built with {@code ~} or a filter, and every
 *       filter's size argument ({@code center(10**9)}) are capped at {@link
 *       TemplateLimits#maxOutputChars()}.
 *   <li>{@code range()} like Jinja2's sandbox: Python's semantics, and more than {@link
 *       TemplateLimits#maxRange()} items is an error (Jinjava's own {@code range} silently stops at
 *       1,000).
 *   <li>Macro recursion stops at {@link TemplateLimits#maxMacroDepth()} levels.
 * </ul>
 */
final class Sandbox {

  /** Tags that read other templates: files or classpath resources. */
  static final Set<String> FILE_TAGS = Set.of("include", "import", "from", "extends");

  /** Jinjava-only filters with no Jinja2 counterpart that parse, re-render or reflect. */
  private static final Set<String> DISABLED_FILTERS =
      Set.of(
          "render", "fromjson", "fromyaml", "toyaml", "regex_replace", "pprint", "escape_jinjava");

  /** Filters whose arguments (or format string) say how much to allocate. */
  private static final Set<String> SIZED_FILTERS =
      Set.of("center", "indent", "wordwrap", "truncate", "batch", "slice", "format");

  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("\\d{1,30}");

  /** Lists and dicts a template builds ({@code ns.l = ns.l + ns.l} doubles one). */
  private static final int MAX_COLLECTION = 1 << 20;

  private Sandbox() {}

  /** Applies the limits to a Jinjava configuration being built. */
  static JinjavaConfig.Builder configure(JinjavaConfig.Builder builder, TemplateLimits limits) {
    return builder
        .withMaxOutputSize(limits.maxOutputChars())
        .withMaxStringLength(limits.maxOutputChars())
        .withMaxListSize(Math.min(limits.maxOutputChars(), MAX_COLLECTION))
        .withMaxMapSize(Math.min(limits.maxOutputChars(), MAX_COLLECTION))
        .withRangeLimit(limits.maxRange())
        .withEnableRecursiveMacroCalls(true)
        .withMaxMacroRecursionDepth(limits.maxMacroDepth())
        .withDisabled(
            Map.of(Context.Library.TAG, FILE_TAGS, Context.Library.FILTER, DISABLED_FILTERS))
        .withProcessors(
            JinjavaProcessors.newBuilder()
                .withNodePreProcessor((node, interpreter) -> tick())
                .build());
  }

  /** Installs the refusing resource locator, the counted loop, range() and filter bounds. */
  static void install(Jinjava jinjava) {
    jinjava.setResourceLocator(
        (name, encoding, interpreter) -> {
          throw new IOException(
              "chat templates may not read files or resources (\"" + name + "\")");
        });
    var globals = jinjava.getGlobalContext();
    globals.registerTag(new CountedForTag());
    globals.registerFunction(
        new ELFunctionDefinition(
            "", "range", Sandbox.class, "range", Object.class, Object[].class));
    for (Filter filter : new ArrayList<>(globals.getAllFilters())) {
      if (!DISABLED_FILTERS.contains(filter.getName())) {
        globals.registerFilter(new BoundedFilter(filter));
      }
    }
  }

  static void tick() {
    RenderBudget budget = budget();
    if (budget != null) {
      budget.tick();
    }
  }

  static RenderBudget budget() {
    TemplateGlobals.RenderState state = TemplateGlobals.STATE.get();
    return state == null ? null : state.budget;
  }

  /**
   * Python's {@code range(stop)} / {@code range(start, stop[, step])}, refused over the limit.
   * Public for Jinjava's function table.
   */
  public static List<Long> range(Object first, Object... rest) {
    long start = 0;
    long stop;
    long step = 1;
    if (rest.length == 0) {
      stop = integer(first, "stop");
    } else {
      start = integer(first, "start");
      stop = integer(rest[0], "stop");
      if (rest.length > 1) {
        step = integer(rest[1], "step");
      }
      if (rest.length > 2) {
        refuse("range expected at most 3 arguments, got " + (rest.length + 1));
      }
    }
    if (step == 0) {
      refuse("range() arg 3 must not be zero");
    }
    // Python's len(range(...)), in floating point so that no product overflows.
    double span = step > 0 ? (double) stop - start : (double) start - stop;
    double length = span <= 0 ? 0 : Math.ceil(span / Math.abs((double) step));
    RenderBudget budget = budget();
    long max = budget == null ? TemplateLimits.DEFAULT.maxRange() : budget.limits().maxRange();
    if (length > max) {
      refuse(
          "range too big: range("
              + start
              + ", "
              + stop
              + ", "
              + step
              + ") has "
              + String.format("%.0f", length)
              + " items; chat templates may use at most "
              + max
              + " (as Jinja2's sandbox)");
    }
    List<Long> out = new ArrayList<>((int) length);
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.add(i);
    }
    return out;
  }

  private static long integer(Object value, String name) {
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    refuse("range() " + name + " must be an integer, got " + PyRepr.repr(value));
    return 0;
  }

  private static void refuse(String message) {
    RenderBudget budget = budget();
    if (budget != null) {
      budget.stop(message);
    }
    throw new ChatTemplateException(message);
  }

  /**
   * Jinjava's {@code for}, ticking the budget on every iteration: an empty loop body renders no
   * node, and nested empty loops would otherwise run unbounded.
   */
  static final class CountedForTag extends ForTag {
    @Override
    public String renderForCollection(
        TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars, Object collection) {
      return super.renderForCollection(
          tagNode, interpreter, loopVars, counted(collection, interpreter));
    }

    @SuppressWarnings("unchecked")
    private static Object counted(Object collection, JinjavaInterpreter interpreter) {
      Collection<Object> items;
      if (collection instanceof Collection<?> c) {
        items = (Collection<Object>) c;
      } else if (collection instanceof Map<?, ?> m) {
        items =
            (Collection<Object>)
                (interpreter.getConfig().getLegacyOverrides().isIterateOverMapKeys()
                    ? m.keySet()
                    : m.values());
      } else if (collection instanceof Object[] array) {
        items = Arrays.asList(array);
      } else {
        return collection; // a single value or null: Jinjava loops at most once
      }
      return new AbstractCollection<>() {
        @Override
        public Iterator<Object> iterator() {
          Iterator<Object> it = items.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Object next() {
              tick();
              return it.next();
            }
          };
        }

        @Override
        public int size() {
          return items.size();
        }
      };
    }
  }

  /**
   * A filter that ticks the budget, refuses a size argument over the output limit before the filter
   * allocates ({@code 'x'|center(10**9)}), and refuses an oversized result.
   */
  static final class BoundedFilter implements Filter {
    private final Filter filter;

    BoundedFilter(Filter filter) {
      this.filter = filter;
    }

    @Override
    public String getName() {
      return filter.getName();
    }

    @Override
    public boolean preserveSafeString() {
      return filter.preserveSafeString();
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      before(var, args);
      return after(filter.filter(var, interpreter, args));
    }

    @Override
    public Object filter(
        Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      before(var, args);
      before(null, kwargs.values().toArray());
      return after(filter.filter(var, interpreter, args, kwargs));
    }

    @Override
    public Object filter(SafeString var, JinjavaInterpreter interpreter, String... args) {
      before(var, args);
      return after(filter.filter(var, interpreter, args));
    }

    private void before(Object var, Object[] args) {
      tick();
      RenderBudget budget = budget();
      if (budget == null || !SIZED_FILTERS.contains(getName())) {
        return;
      }
      List<Object> sizes = new ArrayList<>(args == null ? List.of() : Arrays.asList(args));
      if (getName().equals("format") && var != null) {
        NUMBER.matcher(var.toString()).results().forEach(m -> sizes.add(m.group()));
      }
      for (Object arg : sizes) {
        double value =
            arg instanceof Number n
                ? n.doubleValue()
                : arg instanceof String s && NUMBER.matcher(s.strip()).matches()
                    ? Double.parseDouble(s.strip())
                    : 0;
        if (Math.abs(value) > budget.limits().maxOutputChars()) {
          budget.stop(
              "argument "
                  + arg
                  + " of filter '"
                  + getName()
                  + "' is over the chat"
                  + " template size limit of "
                  + budget.limits().maxOutputChars());
        }
      }
    }

    private Object after(Object result) {
      RenderBudget budget = budget();
      if (budget != null) {
        budget.checkSize(
            result instanceof SafeString s ? s.toString() : result, "filter '" + getName() + "'");
      }
      return result;
    }
  }
}
