/**
 * A training job in a JVM of its own: {@link dev.tuneforge.llm.train.job.process.JobProcess} starts
 * {@link dev.tuneforge.llm.train.job.process.JobProcessMain} with the job, which runs it through
 * the one engine entry point ({@code JobRunner.start}) and reports back one JSON line per event
 * ({@link dev.tuneforge.llm.train.job.process.ProcessMessages}). A native crash of libtorch then
 * ends that process, not the caller's, and the job's memory returns to the OS when it ends.
 */
package dev.tuneforge.llm.train.job.process;
