package dev.tuneforge.llm.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * The globals, filters and tags transformers adds to its Jinja2 environment, for Jinjava: {@code
 * raise_exception}, {@code strftime_now}, {@code tojson} (Python's {@code json.dumps}), {@code
 * trim} (Python's {@code str.strip}), and the {@code {% generation %}} block (rendered as its body;
 * transformers uses it only to locate assistant tokens).
 *
 * <p>Jinjava calls functions statically, so the per-render state (the injected clock, the message
 * of a raised exception) lives in a thread-local set by {@link ChatTemplate#render} for the
 * duration of one render on the calling thread.
 */
final class TemplateGlobals {

  /** State of the render running on this thread. */
  static final class RenderState {
    final Clock clock;
    final RenderBudget budget;
    String raised;

    RenderState(Clock clock, RenderBudget budget) {
      this.clock = clock;
      this.budget = budget;
    }
  }

  /** Thrown through Jinjava to stop at {@code raise_exception}; the message is kept in state. */
  static final class Raised extends RuntimeException {
    Raised(String message) {
      super(message, null, false, false);
    }
  }

  static final ThreadLocal<RenderState> STATE = new ThreadLocal<>();

  private TemplateGlobals() {}

  public static Object raiseException(Object message) {
    String text = PyRepr.str(message);
    RenderState state = STATE.get();
    if (state != null && state.raised == null) {
      state.raised = text;
    }
    throw new Raised(text);
  }

  public static String strftimeNow(String format) {
    RenderState state = STATE.get();
    Clock clock = state == null ? Clock.systemDefaultZone() : state.clock;
    return Strftime.format(ZonedDateTime.now(clock), format);
  }

  /** {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
  static final class ToJsonFilter implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(
        Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object indent =
          kwargs.containsKey("indent")
              ? kwargs.get("indent")
              : (args.length > 1 ? args[1] : null); // positional: ensure_ascii, indent, ...
      String indentText =
          indent == null
              ? null
              : indent instanceof Number n ? " ".repeat(n.intValue()) : indent.toString();
      String items = null;
      String keys = null;
      Object separators = kwargs.get("separators");
      if (separators instanceof java.util.List<?> pair && pair.size() == 2) {
        items = String.valueOf(pair.get(0));
        keys = String.valueOf(pair.get(1));
      }
      boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
      return PyJson.dumps(var, indentText, items, keys, sortKeys);
    }
  }

  /** Jinja2's {@code trim(value, chars=None)}: Python {@code str.strip}. */
  static final class TrimFilter implements Filter {
    @Override
    public String getName() {
      return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      String chars = args.length > 0 ? args[0] : null;
      return PythonStrings.strip(PyRepr.str(var), chars);
    }
  }

  /** {@code value[start:stop:step]} with Python's semantics, for lists and strings. */
  static final class PySliceFilter implements Filter {
    @Override
    public String getName() {
      return "__pyslice";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(
        Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      java.util.List<?> items =
          var instanceof String s
              ? s.codePoints().mapToObj(cp -> new String(Character.toChars(cp))).toList()
              : var instanceof java.util.Collection<?> c ? new java.util.ArrayList<>(c) : null;
      if (items == null) {
        throw new IllegalArgumentException("cannot slice " + PyRepr.repr(var));
      }
      int n = items.size();
      int step = args.length > 2 && args[2] != null ? ((Number) args[2]).intValue() : 1;
      if (step == 0) {
        throw new IllegalArgumentException("slice step cannot be zero");
      }
      int start = bound(args.length > 0 ? args[0] : null, n, step, true);
      int stop = bound(args.length > 1 ? args[1] : null, n, step, false);
      java.util.List<Object> out = new java.util.ArrayList<>();
      for (int i = start; step > 0 ? i < stop : i > stop; i += step) {
        out.add(items.get(i));
      }
      if (var instanceof String) {
        return String.join("", out.stream().map(String::valueOf).toList());
      }
      return out;
    }

    /** Python's slice.indices(): clamps a start/stop to the valid range for the step sign. */
    private static int bound(Object value, int n, int step, boolean isStart) {
      if (value == null) {
        return step > 0 ? (isStart ? 0 : n) : (isStart ? n - 1 : -1);
      }
      int v = ((Number) value).intValue();
      if (v < 0) {
        v += n;
        if (v < 0) {
          return step > 0 ? 0 : -1;
        }
      } else if (v >= n) {
        return step > 0 ? n : n - 1;
      }
      return v;
    }
  }

  /** Jinja2's {@code string} filter: Python {@code str()} ({@code True}, {@code None}). */
  static final class StringFilter implements Filter {
    @Override
    public String getName() {
      return "string";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return var == null ? "None" : PyRepr.str(var);
    }
  }

  /** Jinja2's {@code iterable} test: strings are iterable too (Llama 3.x's tool branch). */
  static final class IterableTest implements com.hubspot.jinjava.lib.exptest.ExpTest {
    @Override
    public String getName() {
      return "iterable";
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return var instanceof String
          || var instanceof Iterable<?>
          || var instanceof Map<?, ?>
          || (var != null && var.getClass().isArray());
    }
  }

  /** Prints {@code {{ value }}} as Python's {@code str(value)} ({@code True}, not {@code true}). */
  static final class PythonOutputMode implements ExecutionMode {
    @Override
    public void prepareContext(Context context) {
      context.setExpressionStrategy(
          (ExpressionStrategy)
              (token, interpreter) ->
                  new RenderedOutputNode(
                      PyRepr.str(
                          interpreter.resolveELExpression(
                              token.getExpr(), token.getLineNumber()))));
    }
  }

  /** transformers' {@code {% generation %}...{% endgeneration %}}: renders its body unchanged. */
  static final class GenerationTag implements Tag {
    @Override
    public String getName() {
      return "generation";
    }

    @Override
    public String getEndTagName() {
      return "endgeneration";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      StringBuilder out = new StringBuilder();
      for (Node child : tagNode.getChildren()) {
        out.append(child.render(interpreter).getValue());
      }
      return out.toString();
    }
  }
}
