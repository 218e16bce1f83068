package dev.tuneforge.trainer.worker;

import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import dev.tuneforge.llm.train.job.process.JobProcess;
import dev.tuneforge.llm.train.job.process.JobProcessLaunch;

/**
 * Where a job's training runs: both ways go through the engine's one entry point ({@link
 * JobRunner#start}), in this JVM or in a child JVM of its own, and give the same {@link
 * TrainingRun} handle.
 */
@FunctionalInterface
interface JobEngine {

  TrainingRun start(JobConfig config, TrainingListener listener, boolean resume);

  /** In this JVM: no start-up cost, but a native crash of libtorch ends the service. */
  JobEngine IN_PROCESS = JobRunner::start;

  /**
   * In a child JVM per job ({@link JobProcess}): a crash ends only the job, and its memory goes
   * back to the OS when the process ends, for a JVM start and a libtorch load per job.
   */
  static JobEngine process(JobProcessLaunch launch) {
    return (config, listener, resume) -> JobProcess.start(launch, config, listener, resume);
  }
}
