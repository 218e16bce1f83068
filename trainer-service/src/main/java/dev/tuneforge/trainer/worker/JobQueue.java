package dev.tuneforge.trainer.worker;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The jobs waiting for a training slot, in order of acceptance, with a limit on how many jobs of
 * one team run at once: a slot takes the oldest job whose team is under the limit, so one team's
 * backlog does not hold the others' jobs behind it. A job added pending (its uploaded files are
 * being curated) keeps its place but is passed over until it is {@link #ready}, so a slow curation
 * holds neither a slot nor the jobs behind it.
 */
final class JobQueue {

  private final List<Workers.Queued> waiting = new LinkedList<>();
  private final Set<Workers.Queued> pending = Collections.newSetFromMap(new IdentityHashMap<>());
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

  /** Adds a job that may not start until {@link #ready} (or leaves with {@link #dropPending}). */
  synchronized void addPending(Workers.Queued job) {
    waiting.add(job);
    pending.add(job);
  }

  /**
   * The pending {@code job} may start, as {@code ready}, in its place; false when it left the queue
   * meanwhile (cancelled, or its partition revoked).
   */
  synchronized boolean ready(Workers.Queued job, Workers.Queued ready) {
    if (!pending.remove(job)) {
      return false;
    }
    for (ListIterator<Workers.Queued> it = waiting.listIterator(); it.hasNext(); ) {
      if (it.next() == job) {
        it.set(ready);
        break;
      }
    }
    notifyAll();
    return true;
  }

  /** Removes the pending {@code job}, which cannot run; false when it already left the queue. */
  synchronized boolean dropPending(Workers.Queued job) {
    if (!pending.remove(job)) {
      return false;
    }
    waiting.removeIf(q -> q == job);
    return true;
  }

  /** The oldest job that is not pending and whose team may start one more, waiting for one. */
  synchronized Workers.Queued take() throws InterruptedException {
    while (true) {
      for (Iterator<Workers.Queued> it = waiting.iterator(); it.hasNext(); ) {
        Workers.Queued q = it.next();
        String team = team(q);
        if (!pending.contains(q)
            && (perTeam <= 0 || runningPerTeam.getOrDefault(team, 0) < perTeam)) {
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

  /** Removes the waiting jobs that match, pending or not; returns whether any did. */
  synchronized boolean removeIf(Predicate<Workers.Queued> match) {
    return waiting.removeIf(
        q -> {
          if (match.test(q)) {
            pending.remove(q);
            return true;
          }
          return false;
        });
  }

  synchronized int size() {
    return waiting.size();
  }

  private static String team(Workers.Queued q) {
    return q.request().team() == null ? "" : q.request().team();
  }
}
