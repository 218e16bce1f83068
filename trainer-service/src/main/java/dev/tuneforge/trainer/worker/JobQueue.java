package dev.tuneforge.trainer.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The jobs waiting for a training slot, in order of acceptance, with a limit on how many jobs of
 * one team run at once: a slot takes the oldest job whose team is under the limit, so one team's
 * backlog does not hold the others' jobs behind it.
 */
final class JobQueue {

  private final Deque<Workers.Queued> waiting = new ArrayDeque<>();
  private final Map<String, Integer> runningPerTeam = new HashMap<>();
  private final int perTeam;

  /**
   * @param perTeam jobs of one team that may run at once; 0 for no limit
   */
  JobQueue(int perTeam) {
    this.perTeam = perTeam;
  }

  synchronized void add(Workers.Queued job) {
    waiting.add(job);
    notifyAll();
  }

  /** The oldest job whose team may start one more, waiting until there is one. */
  synchronized Workers.Queued take() throws InterruptedException {
    while (true) {
      for (Iterator<Workers.Queued> it = waiting.iterator(); it.hasNext(); ) {
        Workers.Queued q = it.next();
        String team = team(q);
        if (perTeam <= 0 || runningPerTeam.getOrDefault(team, 0) < perTeam) {
          it.remove();
          runningPerTeam.merge(team, 1, Integer::sum);
          return q;
        }
      }
      wait();
    }
  }

  /** A job taken with {@link #take} has ended: its team may start another. */
  synchronized void done(Workers.Queued job) {
    runningPerTeam.computeIfPresent(team(job), (t, n) -> n <= 1 ? null : n - 1);
    notifyAll();
  }

  /** Removes the waiting jobs that match; returns whether any did. */
  synchronized boolean removeIf(Predicate<Workers.Queued> match) {
    return waiting.removeIf(match);
  }

  synchronized int size() {
    return waiting.size();
  }

  private static String team(Workers.Queued q) {
    return q.request().team() == null ? "" : q.request().team();
  }
}
