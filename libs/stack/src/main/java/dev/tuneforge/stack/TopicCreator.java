package dev.tuneforge.stack;

import dev.tuneforge.events.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Creates topics from their {@link TopicSpec}s with Kafka's Admin API, idempotently: a missing
 * topic is created, an existing one gets the spec's settings and, if it has fewer, its partitions.
 * Replication is left to the broker's default, as in every other environment.
 */
public final class TopicCreator {

  private TopicCreator() {}

  /** Brings every topic of {@code specs} in line on the broker at {@code bootstrap}. */
  public static void ensure(String bootstrap, List<TopicSpec> specs) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ensure(admin, specs);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics on " + bootstrap + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics on " + bootstrap, e);
    }
  }

  static void ensure(Admin admin, List<TopicSpec> specs)
      throws ExecutionException, InterruptedException {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> create = new ArrayList<>();
    List<TopicSpec> update = new ArrayList<>();
    for (TopicSpec s : specs) {
      if (existing.contains(s.name())) {
        update.add(s);
      } else {
        create.add(
            new NewTopic(s.name(), Optional.of(s.partitions()), Optional.empty())
                .configs(s.configs()));
      }
    }
    if (!create.isEmpty()) {
      var results = admin.createTopics(create).values();
      for (var r : results.entrySet()) {
        try {
          r.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
            throw e;
          }
          // Created meanwhile by someone else: its settings are applied below on the next run.
        }
      }
      awaitVisible(admin, create.stream().map(NewTopic::name).toList());
    }
    if (update.isEmpty()) {
      return;
    }
    Map<ConfigResource, java.util.Collection<AlterConfigOp>> configs = new HashMap<>();
    Map<String, NewPartitions> grow = new HashMap<>();
    Map<String, TopicDescription> described =
        admin.describeTopics(update.stream().map(TopicSpec::name).toList()).allTopicNames().get();
    for (TopicSpec s : update) {
      List<AlterConfigOp> ops = new ArrayList<>();
      s.configs()
          .forEach(
              (k, v) ->
                  ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
      configs.put(new ConfigResource(ConfigResource.Type.TOPIC, s.name()), ops);
      if (described.get(s.name()).partitions().size() < s.partitions()) {
        grow.put(s.name(), NewPartitions.increaseTo(s.partitions()));
      }
    }
    admin.incrementalAlterConfigs(configs).all().get();
    if (!grow.isEmpty()) {
      admin.createPartitions(grow).all().get();
    }
  }

  /**
   * Waits until the broker describes every new topic: a create is acknowledged by the controller
   * before the broker's metadata has it, and whoever runs next (a service starting, a test) would
   * otherwise see "unknown topic" for a moment.
   */
  static void awaitVisible(Admin admin, List<String> names)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.describeTopics(names).allTopicNames().get();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause()
                instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
