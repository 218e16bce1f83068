package dev.tuneforge.llm.template;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Counts the work of one render against {@link TemplateLimits}. Jinjava has no step limit of its
 * own, so every rendered node, loop iteration, method call and filter call ticks here; the first
 * tick over a limit records why and throws, and every later tick throws again, so the render
 * unwinds even through Jinjava code that catches and logs exceptions.
 *
 * <p>Time is the rendering thread's CPU time where the JVM measures it (wall-clock otherwise): on a
 * loaded machine a legitimate render is not cut short because other processes had the cores.
 */
final class RenderBudget {

  /** Thrown to stop a render; the message is what the caller sees. */
  static final class Exceeded extends RuntimeException {
    Exceeded(String message) {
      super(message, null, false, false);
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME =
      THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

  private final TemplateLimits limits;
  private final long deadline;
  private long steps;
  private String exceeded;

  /** Starts the clock: create it just before rendering. */
  RenderBudget(TemplateLimits limits) {
    this.limits = limits;
    this.deadline = now() + limits.timeout().toNanos();
  }

  private static long now() {
    return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  TemplateLimits limits() {
    return limits;
  }

  /** Why the render was stopped, or null. */
  String exceeded() {
    return exceeded;
  }

  void tick() {
    if (exceeded != null) {
      throw new Exceeded(exceeded);
    }
    steps++;
    if (steps > limits.maxSteps()) {
      stop(
          "chat template exceeded "
              + limits.maxSteps()
              + " rendering steps (a loop or"
              + " recursion that does not end?)");
    }
    if ((steps & 255) == 0 && now() - deadline > 0) {
      stop(
          "chat template exceeded its time limit of "
              + limits.timeout().toMillis()
              + " ms"
              + (CPU_TIME ? " (CPU)" : ""));
    }
  }

  /** Refuses a string or collection built during the render that is over the output limit. */
  void checkSize(Object value, String what) {
    long size =
        value instanceof CharSequence s
            ? s.length()
            : value instanceof java.util.Collection<?> c
                ? c.size()
                : value instanceof java.util.Map<?, ?> m ? m.size() : 0;
    if (size > limits.maxOutputChars()) {
      stop(
          "chat template built a value of "
              + size
              + " "
              + (value instanceof CharSequence ? "chars" : "items")
              + " in "
              + what
              + ", over the limit of "
              + limits.maxOutputChars());
    }
  }

  void stop(String message) {
    if (exceeded == null) {
      exceeded = message;
    }
    throw new Exceeded(exceeded);
  }
}
