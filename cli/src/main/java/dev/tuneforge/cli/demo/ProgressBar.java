package dev.tuneforge.cli.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A training progress bar: on a terminal one line redrawn in place, otherwise (a pipe, a log file)
 * one line per update so the output stays readable.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean tty;
  private boolean open;

  ProgressBar(PrintStream out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  /** The bar's text for one progress update; {@code etaSeconds} < 0 when unknown. */
  static String line(long step, long total, double loss, double tokensPerSecond, double eta) {
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

  void update(long step, long total, double loss, double tokensPerSecond, double eta) {
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
  void message(String s) {
    finish();
    out.println("  " + s);
  }

  void finish() {
    if (open) {
      out.println();
      open = false;
    }
  }
}
