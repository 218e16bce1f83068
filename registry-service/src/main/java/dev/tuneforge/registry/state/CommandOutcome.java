package dev.tuneforge.registry.state;

/**
 * What the projection decided for one command of the registry's log, looked up by the command's
 * eventId by the replica that wrote it. Every replica decides the same, since it folds the same log
 * in the same order.
 */
public sealed interface CommandOutcome {

  /** A new version was registered. */
  record Registered(VersionRef ref) implements CommandOutcome {}

  /** The job was registered before (a redelivered TrainingCompleted): nothing new. */
  record Duplicate(VersionRef existing) implements CommandOutcome {}

  /** The alias moved from {@code previous} (null: unset) to the version, or it was archived. */
  record Applied(VersionRef ref, String alias, Integer previous) implements CommandOutcome {}

  /**
   * Compare-and-set failed: when the command reached the log, the alias pointed at {@code current},
   * not at the version the caller saw.
   */
  record Conflict(VersionRef ref, String alias, Integer expected, Integer current)
      implements CommandOutcome {}

  /** The command could not apply (unknown or archived version); {@code reason} says why. */
  record Refused(String reason) implements CommandOutcome {}
}
