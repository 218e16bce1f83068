package dev.tuneforge.llm.template;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies Jinja2's lexer whitespace rules to a template before Jinjava sees it.
 *
 * <p>transformers compiles chat templates with {@code trim_blocks=True, lstrip_blocks=True} and
 * Jinja2's defaults ({@code keep_trailing_newline=False}, newlines normalised to {@code \n}).
 * Jinjava's own trim/lstrip options differ in corner cases (comments, {@code +} markers, the line
 * start after a trimmed tag), and one misplaced newline changes every token after it. So this class
 * re-implements the rules of {@code jinja2.lexer.Lexer.tokeniter} exactly: it splits the source
 * into text and tags (quotes and bracket nesting respected, {@code raw} blocks kept verbatim),
 * strips the text the way Jinja2 would, and re-emits the tags without their {@code -}/{@code +}
 * markers. Jinjava then renders the result with all whitespace handling switched off.
 */
final class JinjaSource {

  private enum Kind {
    VARIABLE,
    BLOCK,
    COMMENT,
    RAW
  }

  /** A tag as written: its kind, inner text (markers removed) and whitespace markers. */
  private record Tag(Kind kind, String inner, char left, char right, String rawBody, int offset) {}

  private static final Pattern RAW_OPEN = Pattern.compile("\\{%([-+]?)\\s*raw\\s*(-?)%}");
  private static final Pattern RAW_CLOSE = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");

  private JinjaSource() {}

  static String preprocess(String source) {
    String src = source.replace("\r\n", "\n").replace('\r', '\n');
    if (src.endsWith("\n")) {
      src = src.substring(0, src.length() - 1); // keep_trailing_newline=False
    }
    List<String> texts = new ArrayList<>();
    List<Tag> tags = new ArrayList<>();
    int pos = 0;
    while (true) {
      int open = nextOpener(src, pos);
      if (open < 0) {
        texts.add(src.substring(pos));
        break;
      }
      texts.add(src.substring(pos, open));
      pos = readTag(src, open, tags);
    }
    rejectUnsafe(src, tags);
    rejectUnsupported(tags);
    // texts.get(i) precedes tags.get(i); texts has one more element than tags.
    StringBuilder out = new StringBuilder(src.length());
    boolean lineStarting = true;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (i > 0) {
        Tag before = tags.get(i - 1);
        char rightMarker = before.kind == Kind.RAW ? rawCloseRight(before) : before.right;
        String afterTagWhitespace = "";
        if (rightMarker == '-') {
          String stripped = PythonStrings.lstrip(text, null);
          afterTagWhitespace = text.substring(0, text.length() - stripped.length());
          text = stripped;
        } else if (before.kind != Kind.VARIABLE && rightMarker != '+' && text.startsWith("\n")) {
          afterTagWhitespace = "\n"; // trim_blocks
          text = text.substring(1);
        }
        lineStarting = afterTagWhitespace.endsWith("\n");
      }
      if (i < tags.size()) {
        Tag next = tags.get(i);
        if (next.left == '-') {
          text = PythonStrings.rstrip(text, null);
        } else if (next.left != '+' && next.kind != Kind.VARIABLE) {
          text = lstripBlock(text, lineStarting);
        }
      }
      appendText(out, text);
      if (i < tags.size()) {
        appendTag(out, tags.get(i));
      }
    }
    return out.toString();
  }

  /**
   * Deepest bracket or block nesting accepted. Jinjava's parser recurses (and slows down
   * super-linearly) on nesting; CPython's own parser stops at 200 nested brackets, and real chat
   * templates nest less than ten deep.
   */
  static final int MAX_NESTING = 100;

  /** Block tags that open a body closed by an {@code end...} tag. */
  private static final java.util.Set<String> BODY_TAGS =
      java.util.Set.of("for", "if", "macro", "call", "filter", "block", "generation", "raw");

  /** The name Jinjava's parser gives its interpreter object inside expressions. */
  private static final String INTERPRETER_NAME = "int3rpr3t3r";

  /**
   * Tags that read other templates (files or classpath resources) are refused by name, as is
   * Jinjava's internal interpreter variable; a template from a model repository gets neither.
   */
  private static void rejectUnsafe(String src, List<Tag> tags) {
    int open = 0;
    for (Tag tag : tags) {
      if (tag.kind != Kind.BLOCK && tag.kind != Kind.VARIABLE) {
        continue;
      }
      String inner = stripStrings(tag.inner).strip();
      String word = inner.split("\\s+", 2)[0];
      if (tag.kind == Kind.BLOCK && Sandbox.FILE_TAGS.contains(word)) {
        throw new ChatTemplateException(
            "chat templates may not read files or resources: {% "
                + word
                + " %} at line "
                + lineOf(src, tag.offset)
                + " is refused");
      }
      if (tag.kind == Kind.BLOCK) {
        boolean blockSet = word.equals("set") && !inner.contains("=");
        if (BODY_TAGS.contains(word) || blockSet) {
          if (++open > MAX_NESTING) {
            throw new ChatTemplateException(
                "chat template nests blocks more than "
                    + MAX_NESTING
                    + " deep at line "
                    + lineOf(src, tag.offset));
          }
        } else if (word.startsWith("end") && open > 0) {
          open--;
        }
      }
      if (inner.contains(INTERPRETER_NAME)) {
        throw new ChatTemplateException(
            "chat template uses Jinjava's internal interpreter"
                + " variable at line "
                + lineOf(src, tag.offset)
                + ": refused");
      }
    }
  }

  private static int lineOf(String src, int offset) {
    return 1 + (int) src.substring(0, offset).chars().filter(c -> c == '\n').count();
  }

  private static final Pattern FOR_WITH_FILTER =
      Pattern.compile("\\s*for\\s.+\\sin\\s.+\\sif\\s.+", Pattern.DOTALL);

  /**
   * Constructs Jinjava would silently render differently ({@code for ... if ...} loop filters and
   * {@code for ... else}) are refused: a wrong prompt is worse than a clear error.
   */
  private static void rejectUnsupported(List<Tag> tags) {
    java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();
    for (Tag tag : tags) {
      if (tag.kind != Kind.BLOCK) {
        continue;
      }
      String inner = stripStrings(tag.inner).strip();
      String word = inner.split("\\s+", 2)[0];
      switch (word) {
        case "for" -> {
          if (FOR_WITH_FILTER.matcher(" " + inner).matches()) {
            throw new ChatTemplateException(
                "unsupported in chat templates here: a loop filter"
                    + " ({% for x in y if z %}); use {% if %} inside the loop: {%"
                    + tag.inner
                    + "%}");
          }
          open.push("for");
        }
        case "if" -> open.push("if");
        case "else" -> {
          if ("for".equals(open.peek())) {
            throw new ChatTemplateException(
                "unsupported in chat templates here: {% else %} of a" + " for loop");
          }
        }
        case "endfor", "endif" -> {
          if (!open.isEmpty()) {
            open.pop();
          }
        }
        default -> {}
      }
    }
  }

  /** The expression with string literals blanked, so keywords inside quotes are not seen. */
  private static String stripStrings(String expr) {
    StringBuilder out = new StringBuilder(expr.length());
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        int end = PyExpressions.endOfString(expr, i);
        out.append("''");
        i = end - 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** lstrip_blocks: drop spaces between the line start and a block or comment tag. */
  private static String lstripBlock(String text, boolean lineStarting) {
    int lineStart = text.lastIndexOf('\n') + 1;
    if (lineStart == 0 && !lineStarting) {
      return text;
    }
    String tail = text.substring(lineStart);
    if (!tail.isEmpty() && PythonStrings.strip(tail, null).isEmpty()) {
      return text.substring(0, lineStart);
    }
    return text;
  }

  private static int nextOpener(String src, int from) {
    for (int i = src.indexOf('{', from);
        i >= 0 && i + 1 < src.length();
        i = src.indexOf('{', i + 1)) {
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  private static int readTag(String src, int open, List<Tag> tags) {
    char type = src.charAt(open + 1);
    int start = open + 2;
    char left =
        start < src.length() && (src.charAt(start) == '-' || src.charAt(start) == '+')
            ? src.charAt(start)
            : 0;
    if (type == '#') {
      int end = src.indexOf("#}", start);
      if (end < 0) {
        throw new ChatTemplateException("Missing end of comment tag at offset " + open);
      }
      char right =
          end > start && (src.charAt(end - 1) == '-' || src.charAt(end - 1) == '+')
              ? src.charAt(end - 1)
              : 0;
      tags.add(new Tag(Kind.COMMENT, "", left, right, null, open));
      return end + 2;
    }
    if (type == '%') {
      Matcher raw = RAW_OPEN.matcher(src).region(open, src.length());
      if (raw.lookingAt()) {
        Matcher close = RAW_CLOSE.matcher(src);
        if (!close.find(raw.end())) {
          throw new ChatTemplateException("Missing endraw for the raw block at offset " + open);
        }
        String body = src.substring(raw.end(), close.start());
        boolean bodyLineStarting = false;
        if (!raw.group(2).isEmpty()) {
          String stripped = PythonStrings.lstrip(body, null);
          bodyLineStarting = body.substring(0, body.length() - stripped.length()).endsWith("\n");
          body = stripped;
        }
        if (close.group(1).equals("-")) {
          body = PythonStrings.rstrip(body, null);
        } else if (!close.group(1).equals("+")) {
          body = lstripBlock(body, bodyLineStarting);
        }
        char right = close.group(2).isEmpty() ? 0 : close.group(2).charAt(0);
        tags.add(new Tag(Kind.RAW, "", left, right, body, open));
        return close.end();
      }
    }
    String closer = type == '{' ? "}}" : "%}";
    int depth = 0;
    int i = left != 0 ? start + 1 : start;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(src, i);
        continue;
      }
      if (depth == 0 && src.startsWith(closer, i)) {
        break;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
        if (depth > MAX_NESTING) {
          throw new ChatTemplateException(
              "chat template nests brackets more than "
                  + MAX_NESTING
                  + " deep at line "
                  + lineOf(src, i));
        }
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        depth--;
      }
      i++;
    }
    if (i >= src.length()) {
      throw new ChatTemplateException(
          "Unclosed " + (type == '{' ? "'{{'" : "'{%'") + " tag at offset " + open);
    }
    int innerStart = left != 0 ? start + 1 : start;
    int innerEnd = i;
    char right = 0;
    if (innerEnd > innerStart
        && (src.charAt(innerEnd - 1) == '-' || src.charAt(innerEnd - 1) == '+')) {
      right = src.charAt(innerEnd - 1);
      innerEnd--;
    }
    Kind kind = type == '{' ? Kind.VARIABLE : Kind.BLOCK;
    tags.add(new Tag(kind, src.substring(innerStart, innerEnd), left, right, null, open));
    return i + 2;
  }

  private static int skipString(String src, int quoteAt) {
    char quote = src.charAt(quoteAt);
    int i = quoteAt + 1;
    while (i < src.length() && src.charAt(i) != quote) {
      i += src.charAt(i) == '\\' ? 2 : 1;
    }
    return i + 1;
  }

  private static char rawCloseRight(Tag raw) {
    return raw.right;
  }

  private static void appendText(StringBuilder out, String text) {
    // A text ending in '{' would merge with the next tag's opener once whitespace is gone.
    if (text.endsWith("{")) {
      out.append(text, 0, text.length() - 1).append("{{ '{' }}");
    } else {
      out.append(text);
    }
  }

  private static void appendTag(StringBuilder out, Tag tag) {
    switch (tag.kind) {
      case VARIABLE -> out.append("{{").append(PyExpressions.rewrite(tag.inner)).append("}}");
      case BLOCK -> out.append("{%").append(PyExpressions.rewrite(tag.inner)).append("%}");
      case COMMENT -> {} // comments render nothing
      case RAW -> out.append("{% raw %}").append(tag.rawBody).append("{% endraw %}");
    }
  }
}
