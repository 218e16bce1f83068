package dev.tuneforge.trainer.jobs;

import dev.tuneforge.events.TrainingRequested;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainer's view of accepted jobs, keyed by job id. It is fed only by TrainingRequested facts
 * from Kafka; a job id seen twice (a redelivery) is recorded once.
 */
@ApplicationScoped
public class JobLedger {

  /** One accepted job as clients see it. */
  public record Job(TrainingRequested request, Instant acceptedAt, String status) {}

  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  /** Records the job unless its id is already known; returns whether it was new. */
  public boolean accept(TrainingRequested request, Instant at) {
    return jobs.putIfAbsent(request.jobId(), new Job(request, at, "queued")) == null;
  }

  public Optional<Job> find(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  public List<Job> all() {
    List<Job> list = new ArrayList<>(jobs.values());
    list.sort(Comparator.comparing(Job::acceptedAt).reversed());
    return list;
  }
}
