package dev.tuneforge.llm.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.tuneforge.llm.io.Folders;
import dev.tuneforge.llm.tokenizer.TokenizerConfig;
import dev.tuneforge.llm.tokenizer.TokenizerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jinjava.javax.el.CompositeELResolver;

/**
 * A model's chat template, rendered as transformers' {@code apply_chat_template(...,
 * tokenize=False)} renders it — byte for byte, since one differing newline changes the tokens a
 * model is trained on.
 *
 * <p>Why it is built this way: templates are Jinja2 programs written against Python. Jinjava parses
 * the same syntax, but differs in what matters here, so each difference is closed in one place:
 * Jinja2's whitespace rules ({@code trim_blocks}, {@code lstrip_blocks}, {@code -}/{@code +}
 * markers, dropped final newline) are applied to the source by {@link JinjaSource} before Jinjava
 * parses it; Python string and dict methods and the sandbox are in {@link PythonMethodResolver};
 * transformers' globals ({@code raise_exception}, {@code strftime_now} on an injectable clock) and
 * its {@code tojson}/{@code trim} are in {@link TemplateGlobals}; values print as Python's {@code
 * str()} ({@link PyRepr}). The variables are transformers': {@code messages}, {@code
 * add_generation_prompt}, {@code bos_token}, {@code eos_token}; {@code tools} is left undefined.
 * Conformance is checked against fixtures rendered by transformers itself.
 *
 * <p>Known differences from Jinja2, none used by the conformance templates: Jinjava has one null
 * for both {@code none} and undefined, so {@code {{ none }}} and a null content print "" (Python:
 * "None"), {@code x is defined} is false for a variable set to none, and {@code none|default(d)}
 * gives d; {@code and}/{@code or} print booleans rather than an operand; {@code ~} prints {@code
 * true}; tuples print as lists; {@code %} formatting, {@code *} repetition and chained comparisons
 * ({@code 1 < x < 3}) are unsupported. Loop filters ({@code for x in y if z}) and {@code for ...
 * else}, which Jinjava would render wrongly, are refused with an error.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChatTemplate {

  public static final String TEMPLATE_FILE = "chat_template.jinja";
  public static final String TEMPLATE_DIR = "additional_chat_templates";
  public static final String DEFAULT_NAME = "default";

  /** One configured Jinjava per set of limits (its configuration is immutable). */
  private static final Map<TemplateLimits, Jinjava> JINJAVA = new ConcurrentHashMap<>();

  private final String source;
  private final String prepared;
  private final String bosToken;
  private final String eosToken;
  private final Clock clock;
  private final TemplateLimits limits;

  private ChatTemplate(
      String source, String bosToken, String eosToken, Clock clock, TemplateLimits limits) {
    this.source = Objects.requireNonNull(source, "template");
    this.limits = Objects.requireNonNull(limits, "limits");
    if (source.length() > limits.maxSourceChars()) {
      throw new ChatTemplateException(
          "chat template is "
              + source.length()
              + " chars, over the"
              + " limit of "
              + limits.maxSourceChars());
    }
    try {
      this.prepared = JinjaSource.preprocess(source);
    } catch (StackOverflowError e) {
      throw new ChatTemplateException("chat template nests too deeply to parse");
    }
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A template from its source; {@code bosToken}/{@code eosToken} may be null (none). */
  public static ChatTemplate of(String template, String bosToken, String eosToken) {
    return new ChatTemplate(
        template, bosToken, eosToken, Clock.systemDefaultZone(), TemplateLimits.DEFAULT);
  }

  /** The default template of a model directory; see {@link #load(Path, String)}. */
  public static ChatTemplate load(Path modelDir) {
    return load(modelDir, null);
  }

  /**
   * The template called {@code name} (null: "default") of a model directory, looked up as
   * transformers does: {@code chat_template.jinja} and {@code additional_chat_templates/*.jinja}
   * when present, else the {@code chat_template} of {@code tokenizer_config.json} (a string, or a
   * list of {@code {"name", "template"}}). bos/eos come from {@code tokenizer_config.json}.
   *
   * @throws ChatTemplateException naming the file or field when there is no such template
   */
  public static ChatTemplate load(Path modelDir, String name) {
    TokenizerConfig config;
    try {
      config = TokenizerConfig.read(modelDir);
    } catch (TokenizerException e) {
      throw new ChatTemplateException(e.getMessage(), e);
    }
    Map<String, String> templates = templateFiles(modelDir);
    String origin = modelDir.resolve(TEMPLATE_FILE) + " / " + modelDir.resolve(TEMPLATE_DIR);
    if (templates.isEmpty()) {
      templates = config.chatTemplates();
      origin = config.file() + " field \"chat_template\"";
    }
    if (templates.isEmpty()) {
      throw new ChatTemplateException(
          "no chat template in "
              + modelDir
              + ": "
              + config.file().getFileName()
              + " has no \"chat_template\" field and there is no "
              + TEMPLATE_FILE);
    }
    String template;
    if (name != null) {
      template = templates.get(name);
      if (template == null) {
        throw new ChatTemplateException(
            "no chat template named \""
                + name
                + "\" in "
                + origin
                + "; available: "
                + templates.keySet());
      }
    } else {
      template = templates.get(DEFAULT_NAME);
      if (template == null) {
        throw new ChatTemplateException(
            origin
                + " has several chat templates "
                + templates.keySet()
                + " and none named \""
                + DEFAULT_NAME
                + "\": choose one by name");
      }
    }
    return new ChatTemplate(
        template,
        config.bosToken().orElse(null),
        config.eosToken().orElse(null),
        Clock.systemDefaultZone(),
        TemplateLimits.DEFAULT);
  }

  /** This template with {@code strftime_now} reading {@code clock} (for deterministic tests). */
  public ChatTemplate withClock(Clock clock) {
    return new ChatTemplate(source, bosToken, eosToken, clock, limits);
  }

  /** This template rendering under other limits (default {@link TemplateLimits#DEFAULT}). */
  public ChatTemplate withLimits(TemplateLimits limits) {
    return new ChatTemplate(source, bosToken, eosToken, clock, limits);
  }

  public TemplateLimits limits() {
    return limits;
  }

  /** The template source as published. */
  public String source() {
    return source;
  }

  public String bosToken() {
    return bosToken;
  }

  public String eosToken() {
    return eosToken;
  }

  /**
   * Renders a conversation.
   *
   * @param addGenerationPrompt append the header that starts the assistant's reply
   * @throws ChatTemplateException with the template's own message when it calls {@code
   *     raise_exception}, or with Jinjava's errors when the template is broken
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    return render(messages, addGenerationPrompt, Map.of());
  }

  /**
   * Renders a conversation with extra template variables (transformers' {@code **kwargs} of {@code
   * apply_chat_template}, e.g. {@code tools} or {@code date_string}).
   */
  public String render(
      List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
    Map<String, Object> context = new HashMap<>(variables);
    List<Map<String, Object>> turns = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      Map<String, Object> turn = new LinkedHashMap<>();
      turn.put("role", m.role());
      turn.put("content", m.content());
      turns.add(turn);
    }
    context.put("messages", turns);
    context.put("add_generation_prompt", addGenerationPrompt);
    if (bosToken != null) {
      context.put("bos_token", bosToken);
    }
    if (eosToken != null) {
      context.put("eos_token", eosToken);
    }
    // Defined as variables too, so that `strftime_now is defined` holds as in transformers.
    context.put("raise_exception", "<function raise_exception>");
    context.put("strftime_now", "<function strftime_now>");

    Jinjava jinjava = JINJAVA.computeIfAbsent(limits, ChatTemplate::createJinjava);
    RenderBudget budget = new RenderBudget(limits);
    TemplateGlobals.RenderState state = new TemplateGlobals.RenderState(clock, budget);
    TemplateGlobals.RenderState previous = TemplateGlobals.STATE.get();
    TemplateGlobals.STATE.set(state);
    RenderResult result;
    try {
      result = jinjava.renderForResult(prepared, context);
    } catch (StackOverflowError e) {
      // Deep nesting Jinjava recurses on (expressions, blocks); Jinja2 stops at Python's limit.
      throw new ChatTemplateException("chat template nests too deeply (stack exhausted)");
    } finally {
      if (previous == null) {
        TemplateGlobals.STATE.remove();
      } else {
        TemplateGlobals.STATE.set(previous);
      }
    }
    if (budget.exceeded() != null) {
      throw new ChatTemplateException(budget.exceeded());
    }
    if (state.raised != null) {
      throw new ChatTemplateException(state.raised, true, null);
    }
    List<TemplateError> fatal =
        result.getErrors().stream()
            .filter(
                e -> e.getSeverity() == TemplateError.ErrorType.FATAL || isMacroRecursionLimit(e))
            .collect(Collectors.toList());
    if (!fatal.isEmpty()) {
      throw new ChatTemplateException(
          "chat template failed: "
              + fatal.stream()
                  .map(e -> "line " + e.getLineno() + ": " + e.getMessage())
                  .collect(Collectors.joining("; ")));
    }
    return result.getOutput();
  }

  /** Jinjava reports the macro depth limit as a warning and renders on; here it is fatal. */
  private static boolean isMacroRecursionLimit(TemplateError e) {
    String message = e.getMessage();
    return message != null
        && (message.startsWith("Max recursion limit of")
            || message.startsWith("Cycle detected for macro"));
  }

  private static Map<String, String> templateFiles(Path modelDir) {
    Map<String, String> templates = new LinkedHashMap<>();
    try {
      Path single = modelDir.resolve(TEMPLATE_FILE);
      if (Files.exists(single)) {
        templates.put(DEFAULT_NAME, readTemplate(single));
      }
      Path dir = modelDir.resolve(TEMPLATE_DIR);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f :
              files.filter(p -> p.getFileName().toString().endsWith(".jinja")).sorted().toList()) {
            String fileName = f.getFileName().toString();
            templates.put(
                fileName.substring(0, fileName.length() - ".jinja".length()), readTemplate(f));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chat templates in " + modelDir, e);
    }
    return templates;
  }

  /** A template file: regular (not a FIFO or device), and no larger than a template may be. */
  private static String readTemplate(Path file) {
    try {
      return Folders.readText(
          file,
          "chat template",
          4L * TemplateLimits.DEFAULT.maxSourceChars()); // UTF-8: up to 4 bytes a char
    } catch (IllegalArgumentException e) {
      throw new ChatTemplateException(e.getMessage(), e);
    }
  }

  private static Jinjava createJinjava(TemplateLimits limits) {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethodResolver());
    resolver.add(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig config =
        Sandbox.configure(JinjavaConfig.newBuilder(), limits)
            .withTrimBlocks(false) // JinjaSource has applied Jinja2's rules already
            .withLstripBlocks(false)
            .withNestedInterpretationEnabled(
                false) // never re-render {{ }} found in message content
            .withFailOnUnknownTokens(false)
            .withElResolver(resolver)
            .withExecutionMode(new TemplateGlobals.PythonOutputMode())
            .withLegacyOverrides(
                LegacyOverrides.newBuilder()
                    .withUseNaturalOperatorPrecedence(true)
                    .withEvaluateMapKeys(true)
                    .withKeepNullableLoopValues(true)
                    .withParseWhitespaceControlStrictly(
                        true) // {{ -3 }} is minus three, not a marker
                    .build())
            .build();
    Jinjava jinjava = new Jinjava(config);
    var globals = jinjava.getGlobalContext();
    globals.registerFunction(
        new ELFunctionDefinition(
            "", "raise_exception", TemplateGlobals.class, "raiseException", Object.class));
    globals.registerFunction(
        new ELFunctionDefinition(
            "", "strftime_now", TemplateGlobals.class, "strftimeNow", String.class));
    globals.registerFilter(new TemplateGlobals.ToJsonFilter());
    globals.registerFilter(new TemplateGlobals.TrimFilter());
    globals.registerTag(new TemplateGlobals.GenerationTag());
    globals.registerFilter(new TemplateGlobals.PySliceFilter());
    globals.registerFilter(new TemplateGlobals.StringFilter());
    globals.registerExpTest(new TemplateGlobals.IterableTest());
    Sandbox.install(jinjava); // last: it wraps every filter registered above
    return jinjava;
  }
}
