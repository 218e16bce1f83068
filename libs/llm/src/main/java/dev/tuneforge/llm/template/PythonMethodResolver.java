package dev.tuneforge.llm.template;

import com.hubspot.jinjava.lib.Importable;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Method calls in chat templates: Python {@code str} and {@code dict} methods, and the sandbox.
 *
 * <p>Templates call Python methods ({@code content.strip()}, {@code role.startswith('a')}, {@code
 * text.split('\n')}, {@code message.items()}); Jinjava would otherwise call Java methods of the
 * same name or fail. This resolver runs before Jinjava's own one and implements those methods with
 * Python semantics. Everything else is refused, which is how transformers' Jinja2 {@code
 * ImmutableSandboxedEnvironment} treats templates from untrusted model repositories: no mutation of
 * lists and dicts, no arbitrary Java methods. Jinjava's own objects (loop, macros, namespaces) keep
 * their methods through the next resolver.
 */
final class PythonMethodResolver extends ELResolver {

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (base == null || method == null) {
      return null;
    }
    String name = method.toString();
    Object[] args = params == null ? new Object[0] : params;
    Sandbox.tick();
    Object result;
    if (base instanceof String s) {
      result = stringMethod(s, name, args);
    } else if (base instanceof Map<?, ?> map) {
      result = dictMethod(map, name, args);
    } else if (base instanceof List<?> list) {
      result = listMethod(list, name, args);
    } else if ((base instanceof Importable || isJinjavaObject(base)) && !name.equals("getClass")) {
      return null; // filters, tests, loop.cycle(), macros: Jinjava's resolver handles them
    } else {
      throw unsafe(base, name);
    }
    RenderBudget budget = Sandbox.budget();
    if (budget != null) {
      budget.checkSize(result, "'" + name + "()'"); // 'ab'.replace('a', 'aa') forty times
    }
    context.setPropertyResolved(true);
    return result;
  }

  private static boolean isJinjavaObject(Object base) {
    return base.getClass().getName().startsWith("com.hubspot.jinjava.");
  }

  private static Object stringMethod(String s, String name, Object[] a) {
    return switch (name) {
      case "strip" -> PythonStrings.strip(s, optString(a, 0));
      case "lstrip" -> PythonStrings.lstrip(s, optString(a, 0));
      case "rstrip" -> PythonStrings.rstrip(s, optString(a, 0));
      case "split" -> PythonStrings.split(s, optString(a, 0), optInt(a, 1, -1));
      case "rsplit" -> PythonStrings.rsplit(s, optString(a, 0), optInt(a, 1, -1));
      case "splitlines" -> {
        List<String> lines =
            new ArrayList<>(
                List.of(
                    s.split("\r\n|[\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029]", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
          lines.remove(lines.size() - 1);
        }
        yield lines;
      }
      case "startswith" -> affix(s, a, true);
      case "endswith" -> affix(s, a, false);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "title" -> PythonStrings.title(s);
      case "capitalize" -> PythonStrings.capitalize(s);
      case "replace" -> replace(s, str(a, 0), str(a, 1), optInt(a, 2, -1));
      case "find" -> s.indexOf(str(a, 0));
      case "rfind" -> s.lastIndexOf(str(a, 0));
      case "count" -> count(s, str(a, 0));
      case "join" -> join(s, a);
      case "removeprefix" -> s.startsWith(str(a, 0)) ? s.substring(str(a, 0).length()) : s;
      case "removesuffix" ->
          s.endsWith(str(a, 0)) && !str(a, 0).isEmpty()
              ? s.substring(0, s.length() - str(a, 0).length())
              : s;
      case "format" -> format(s, a);
      case "isspace" -> !s.isEmpty() && PythonStrings.strip(s, null).isEmpty();
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
      case "isupper" ->
          s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
      case "islower" ->
          s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
      default -> throw new ChatTemplateException("'str' object has no attribute '" + name + "'");
    };
  }

  private static Object dictMethod(Map<?, ?> map, String name, Object[] a) {
    return switch (name) {
      case "get" ->
          map.containsKey(a.length > 0 ? a[0] : null)
              ? map.get(a[0])
              : (a.length > 1 ? a[1] : null);
      case "keys" -> new ArrayList<>(map.keySet());
      case "values" -> new ArrayList<>(map.values());
      case "items" -> {
        List<List<Object>> items = new ArrayList<>();
        map.forEach((k, v) -> items.add(java.util.Arrays.asList(k, v)));
        yield items;
      }
      default -> throw unsafe(map, name);
    };
  }

  private static Object listMethod(List<?> list, String name, Object[] a) {
    return switch (name) {
      case "index" -> list.indexOf(a.length > 0 ? a[0] : null);
      case "count" -> list.stream().filter(x -> java.util.Objects.equals(x, a[0])).count();
      default -> throw unsafe(list, name);
    };
  }

  private static ChatTemplateException unsafe(Object base, String name) {
    return new ChatTemplateException(
        "access to attribute '"
            + name
            + "' of '"
            + base.getClass().getSimpleName()
            + "' object is unsafe (sandboxed template)");
  }

  private static boolean affix(String s, Object[] a, boolean prefix) {
    Object arg = a.length > 0 ? a[0] : null;
    Iterable<?> candidates = arg instanceof Iterable<?> it ? it : List.of(String.valueOf(arg));
    for (Object c : candidates) {
      String t = String.valueOf(c);
      if (prefix ? s.startsWith(t) : s.endsWith(t)) {
        return true;
      }
    }
    return false;
  }

  private static String replace(String s, String old, String replacement, int count) {
    long hits = Math.min(count(s, old), count < 0 ? Long.MAX_VALUE : count);
    requireSize(s.length() + hits * (replacement.length() - old.length()), "'replace()'");
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int done = 0; done < count; done++) {
      int at = s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      from = at + old.length();
    }
    return out.append(s.substring(from)).toString();
  }

  private static long count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.codePointCount(0, s.length()) + 1L;
    }
    long n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  /** {@code str.format} with {@code {}} and {@code {0}} fields (no format specs). */
  private static String format(String s, Object[] a) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < s.length() && s.charAt(i + 1) == c) {
        out.append(c);
        i++;
      } else if (c == '{') {
        int end = s.indexOf('}', i);
        if (end < 0) {
          throw new ChatTemplateException("Single '{' encountered in format string");
        }
        String field = s.substring(i + 1, end);
        int index = field.isEmpty() ? auto++ : Integer.parseInt(field);
        out.append(PyRepr.str(index < a.length ? a[index] : null));
        requireSize(out.length(), "'format()'");
        i = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String join(String sep, Object[] a) {
    List<String> parts = new ArrayList<>();
    long size = 0;
    if (a.length > 0 && a[0] instanceof Iterable<?> it) {
      for (Object x : it) {
        String part = String.valueOf(x);
        size += part.length() + sep.length();
        requireSize(size, "'join()'");
        parts.add(part);
      }
    }
    return String.join(sep, parts);
  }

  /** Refuses, before allocating, a string method result over the render's size limit. */
  private static void requireSize(long chars, String what) {
    RenderBudget budget = Sandbox.budget();
    if (budget != null && chars > budget.limits().maxOutputChars()) {
      budget.stop(
          "chat template would build a string of "
              + chars
              + " chars in "
              + what
              + ", over the limit of "
              + budget.limits().maxOutputChars());
    }
  }

  private static String str(Object[] a, int i) {
    if (i >= a.length || a[i] == null) {
      throw new ChatTemplateException("missing string argument " + (i + 1));
    }
    return a[i].toString();
  }

  private static String optString(Object[] a, int i) {
    return i < a.length && a[i] != null ? a[i].toString() : null;
  }

  private static int optInt(Object[] a, int i, int fallback) {
    return i < a.length && a[i] instanceof Number n ? n.intValue() : fallback;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  /** {@code text[i]} with Python's negative indices; Jinjava has no string subscripts. */
  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    Integer index =
        property instanceof Number n
            ? Integer.valueOf(n.intValue())
            : property instanceof String p && p.matches("-?\\d{1,9}") ? Integer.valueOf(p) : null;
    if (base instanceof String s && index != null) {
      int[] cps = s.codePoints().toArray();
      int i = index < 0 ? index + cps.length : index;
      if (i < 0 || i >= cps.length) {
        throw new ChatTemplateException("string index out of range");
      }
      context.setPropertyResolved(true);
      return new String(Character.toChars(cps[i]));
    }
    return null;
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}
}
