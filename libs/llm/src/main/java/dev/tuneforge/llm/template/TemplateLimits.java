package dev.tuneforge.llm.template;

import java.time.Duration;

/**
 * How much work one render of a chat template may do. A template comes from a model repository
 * someone else wrote, so a render is bounded like a request: a template that loops for ever,
 * doubles a string forty times or recurses without end stops with an error naming the limit, within
 * a second or two, with memory staying flat.
 *
 * @param maxSteps nodes rendered plus loop iterations plus method calls; a long real conversation
 *     needs tens of thousands
 * @param timeout backstop for work the step count does not see: the rendering thread's CPU time
 * @param maxOutputChars the rendered prompt and any string built on the way (chars); a 128k-token
 *     context is about 0.5 M chars
 * @param maxRange the largest {@code range()} (Jinja2's sandbox {@code MAX_RANGE}, 100,000); a
 *     larger one is an error, never silently cut short
 * @param maxMacroDepth macro recursion depth (Jinja2 on CPython's default recursion limit stops
 *     between 150 and 200 levels)
 * @param maxSourceChars the template source itself
 */
public record TemplateLimits(
    long maxSteps,
    Duration timeout,
    int maxOutputChars,
    int maxRange,
    int maxMacroDepth,
    int maxSourceChars) {

  public static final TemplateLimits DEFAULT =
      new TemplateLimits(1_000_000, Duration.ofSeconds(2), 8 << 20, 100_000, 128, 1 << 20);

  public TemplateLimits {
    if (maxSteps <= 0
        || timeout.isNegative()
        || timeout.isZero()
        || maxOutputChars <= 0
        || maxRange <= 0
        || maxMacroDepth <= 0
        || maxSourceChars <= 0) {
      throw new IllegalArgumentException("template limits must be positive: " + timeout);
    }
  }
}
