package dev.tuneforge.llm.testutil;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Runs hostile input through a loader and measures what it cost: the calling thread's CPU time,
 * wall time, and the peak heap in use while it ran (garbage included, so an over-estimate of what
 * was live). Tests assert these against generous bounds: the point is that a bound exists, not how
 * fast the machine is.
 */
public final class Bounded {

  /** What one run cost; {@code thrown} is what it threw (null if it returned). */
  public record Cost(long cpuMillis, long wallMillis, long peakHeapGrowthBytes, Throwable thrown) {
    public long peakHeapGrowthMib() {
      return peakHeapGrowthBytes >> 20;
    }

    @Override
    public String toString() {
      return "cpu "
          + cpuMillis
          + " ms, wall "
          + wallMillis
          + " ms, peak heap +"
          + peakHeapGrowthMib()
          + " MiB";
    }
  }

  /** Something to run that may throw. */
  public interface Action {
    void run() throws Exception;
  }

  private Bounded() {}

  public static Cost measure(Action action) {
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    System.gc();
    long before = 0;
    for (MemoryPoolMXBean pool : heap) {
      pool.resetPeakUsage();
      before += pool.getUsage().getUsed();
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    Throwable thrown = null;
    try {
      action.run();
    } catch (Throwable t) {
      thrown = t;
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long wall = System.nanoTime() - wall0;
    long peak = 0;
    for (MemoryPoolMXBean pool : heap) {
      peak += pool.getPeakUsage().getUsed();
    }
    return new Cost(cpu / 1_000_000, wall / 1_000_000, Math.max(0, peak - before), thrown);
  }
}
