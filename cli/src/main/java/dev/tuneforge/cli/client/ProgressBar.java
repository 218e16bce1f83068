package dev.tuneforge.cli.client;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A training progress bar: on a terminal one line redrawn in place, otherwise (a pipe, a log file)
 * one line per update so the output stays readable. {@code demo} and {@code jobs watch} draw it
 * from a job's event stream.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final boolean tty;
  private boolean open;

  public ProgressBar(PrintStream out, boolean tty) {
    this(new PrintWriter(out, true), tty);
  }

  public ProgressBar(PrintWriter out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  /** The bar's text for one progress update; {@code etaSeconds} < 0 when unknown. */
  public static String line(
      long step, long total, double loss, double tokensPerSecond, double eta) {
    int filled = (int) Math.min(WIDTH, WIDTH * step / Math.max(1, total));
    return String.format(
        Locale.ROOT,
        "  [%s%s] step %d/%d  loss %.4f  %.0f tok/s  ETA %s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        step,
        total,
        loss,
        tokensPerSecond,
        eta < 0
            ? "?"
            : eta < 60 ? Math.round(eta) + "s" : (long) eta / 60 + "m" + (long) eta % 60 + "s");
  }

  public void update(long step, long total, double loss, double tokensPerSecond, double eta) {
    String s = line(step, total, loss, tokensPerSecond, eta);
    if (tty) {
      out.print("\r" + s + "\033[K");
      open = true;
    } else {
      out.println(s);
    }
    out.flush();
  }

  /** Ends the redrawn line before anything else is printed. */
  public void message(String s) {
    finish();
    out.println("  " + s);
    out.flush();
  }

  public void finish() {
    if (open) {
      out.println();
      open = false;
    }
    out.flush();
  }
}
