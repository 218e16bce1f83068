package dev.tuneforge.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.TrainingRequested;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The order in which queued jobs get a slot. */
class JobQueueTest {

  static Workers.Queued job(String id, String team) {
    return new Workers.Queued(
        new TrainingRequested(
            id, "m", "d", "v1", "lora", Map.of(), null, 1, team, null, null, null, null, null,
            null),
        1,
        null);
  }

  static String take(JobQueue q) throws InterruptedException {
    return q.take().request().jobId();
  }

  @Test
  void withoutALimitJobsRunInOrderOfAcceptance() throws Exception {
    JobQueue q = new JobQueue(0);
    q.add(job("a1", "a"));
    q.add(job("a2", "a"));
    q.add(job("b1", "b"));
    assertEquals("a1", take(q));
    assertEquals("a2", take(q));
    assertEquals("b1", take(q));
  }

  @Test
  void aTeamAtItsLimitLetsTheNextTeamsJobGoFirst() throws Exception {
    JobQueue q = new JobQueue(1);
    Workers.Queued a1 = job("a1", "a");
    q.add(a1);
    q.add(job("a2", "a"));
    q.add(job("b1", "b"));
    assertEquals("a1", take(q));
    assertEquals("b1", take(q), "a2 waits while a1 runs");
    CompletableFuture<String> third = takeAsync(q);
    assertStillWaiting(third);
    q.done(a1);
    assertEquals("a2", third.get(10, TimeUnit.SECONDS));
  }

  @Test
  void removedJobsAreNotTaken() throws Exception {
    JobQueue q = new JobQueue(0);
    q.add(job("a1", "a"));
    q.add(job("a2", "a"));
    assertTrue(q.removeIf(j -> j.request().jobId().equals("a1")));
    assertFalse(q.removeIf(j -> j.request().jobId().equals("zz")));
    assertEquals(1, q.size());
    assertEquals("a2", take(q));
  }

  @Test
  void aPendingJobIsPassedOverAndRunsInItsPlaceOnceReady() throws Exception {
    JobQueue q = new JobQueue(0);
    Workers.Queued p1 = job("p1", "a");
    q.addPending(p1);
    q.add(job("a2", "a"));
    q.add(job("a3", "a"));
    assertEquals("a2", take(q), "a pending job holds no one behind it");
    assertTrue(q.ready(p1, job("p1-ready", "a")));
    assertEquals("p1-ready", take(q), "once ready it runs before the jobs accepted after it");
    assertEquals("a3", take(q));
  }

  @Test
  void aPendingJobThatLeftTheQueueIsNotTakenOrDroppedAgain() throws Exception {
    JobQueue q = new JobQueue(0);
    Workers.Queued cancelled = job("c1", "a");
    Workers.Queued refused = job("r1", "a");
    q.addPending(cancelled);
    q.addPending(refused);
    assertTrue(q.removeIf(j -> j.request().jobId().equals("c1")));
    assertFalse(q.ready(cancelled, job("c1", "a")), "cancelled while pending");
    assertFalse(q.dropPending(cancelled));
    assertTrue(q.dropPending(refused));
    assertFalse(q.ready(refused, job("r1", "a")));
    assertEquals(0, q.size());
    q.add(job("a1", "a"));
    assertEquals("a1", take(q));
  }

  @Test
  void aTakeWaitingOnlyForAPendingJobGetsItWhenReady() throws Exception {
    JobQueue q = new JobQueue(0);
    Workers.Queued p1 = job("p1", "a");
    q.addPending(p1);
    CompletableFuture<String> taken = takeAsync(q);
    assertStillWaiting(taken);
    q.ready(p1, p1);
    assertEquals("p1", taken.get(10, TimeUnit.SECONDS));
  }

  /** The take is still waiting after a while: no job of a team under its limit is queued. */
  private static void assertStillWaiting(CompletableFuture<String> pending) throws Exception {
    try {
      String got = pending.get(300, TimeUnit.MILLISECONDS);
      throw new AssertionError("took " + got + " although team a is at its limit");
    } catch (TimeoutException expected) {
      // still waiting
    }
  }

  /** A take on another thread, so a test can see it wait. */
  static CompletableFuture<String> takeAsync(JobQueue q) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return take(q);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
