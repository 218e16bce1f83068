package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.events.TopicSpec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.gateway.Routes;
import dev.tuneforge.platform.ServiceConfig.Use;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each kustomize overlay with {@code kubectl kustomize} (skipped when kubectl is absent;
 * .ci/run installs Debian's kubernetes-client) and checks what would be applied: every Deployment
 * probed, sized, covered by a PodDisruptionBudget and a NetworkPolicy; every service given every
 * setting it reads; GPU scheduling in the gpu overlay only; every topic of the table a KafkaTopic
 * with its settings; each KafkaUser limited to its service's topics and groups; no credential in a
 * ConfigMap; one Ingress to the gateway, which reaches every service.
 */
class KustomizeRenderTest {

  static final String GATEWAY = "gateway";
  static final Set<String> TOPIC_OPERATIONS = Set.of("Describe", "Read", "Write");
  static final Set<String> GROUP_OPERATIONS = Set.of("Describe", "Read");

  /** Secrets Strimzi writes: one per KafkaUser (its name) and the cluster CA certificate. */
  static final String CLUSTER_CA = "tuneforge-cluster-ca-cert";

  private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

  static List<JsonNode> rendered(String overlay) throws Exception {
    var kubectl = Manifests.kubectl();
    Assumptions.assumeTrue(
        kubectl.isPresent(), "kubectl not on the PATH (apt-get install kubernetes-client)");
    List<JsonNode> docs = RENDERED.get(overlay);
    if (docs == null) {
      docs = Manifests.render(kubectl.get(), Manifests.K8S.resolve(overlay));
      RENDERED.put(overlay, docs);
    }
    return docs;
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode named(List<JsonNode> docs, String kind, String name) {
    return ofKind(docs, kind).stream()
        .filter(d -> d.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new HashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Whether a label selector (matchLabels and In/NotIn/Exists expressions) selects {@code pod}. */
  static boolean selects(JsonNode selector, Map<String, String> pod) {
    for (var e : labels(selector.path("matchLabels")).entrySet()) {
      if (!e.getValue().equals(pod.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode x : selector.path("matchExpressions")) {
      String key = x.path("key").asText();
      Set<String> values = new HashSet<>();
      x.path("values").forEach(v -> values.add(v.asText()));
      boolean ok =
          switch (x.path("operator").asText()) {
            case "In" -> values.contains(pod.get(key));
            case "NotIn" -> !values.contains(pod.get(key));
            case "Exists" -> pod.containsKey(key);
            case "DoesNotExist" -> !pod.containsKey(key);
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void everyDeploymentIsProbedSizedAndProtected(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    List<JsonNode> deployments = ofKind(docs, "Deployment");
    Set<String> names = new TreeSet<>();
    for (JsonNode d : deployments) {
      String name = d.at("/metadata/name").asText();
      names.add(name);
      Map<String, String> pod = labels(d.at("/spec/template/metadata/labels"));
      for (JsonNode c : d.at("/spec/template/spec/containers")) {
        String where = overlay + " " + name + "/" + c.path("name").asText();
        assertTrue(c.has("readinessProbe"), where + " has a readiness probe");
        assertTrue(c.has("livenessProbe"), where + " has a liveness probe");
        if (ServiceConfig.SERVICES.contains(name)) {
          int port = ServiceConfig.of(name).httpPort();
          assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), where);
          assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText(), where);
          assertEquals(
              port, c.at("/ports/0/containerPort").asInt(), where + " listens on its port");
          assertEquals("http", c.at("/readinessProbe/httpGet/port").asText(), where);
        }
        for (String r : List.of("/requests/cpu", "/requests/memory", "/limits/memory")) {
          assertFalse(c.at("/resources" + r).isMissingNode(), where + " sets resources" + r);
        }
      }
      assertTrue(
          ofKind(docs, "PodDisruptionBudget").stream()
              .anyMatch(p -> selects(p.at("/spec/selector"), pod)),
          overlay + ": a PodDisruptionBudget covers " + name);
      assertTrue(
          ofKind(docs, "NetworkPolicy").stream()
              .anyMatch(
                  p -> selects(p.at("/spec/podSelector"), pod) && p.at("/spec/ingress").size() > 0),
          overlay + ": a NetworkPolicy says who may reach " + name);
      assertTrue(
          ofKind(docs, "NetworkPolicy").stream()
              .anyMatch(
                  p ->
                      selects(p.at("/spec/podSelector"), pod)
                          && p.at("/spec/ingress").isMissingNode()),
          overlay + ": " + name + " denies what no policy allows");
    }
    Set<String> expected = new TreeSet<>(ServiceConfig.SERVICES);
    expected.add(GATEWAY);
    assertEquals(expected, names, overlay + ": the four services and the gateway");
  }

  /** The environment a container gets: its env, and the ConfigMaps and Secrets it pulls in. */
  static Map<String, String> environment(List<JsonNode> docs, JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String kind = from.has("configMapRef") ? "ConfigMap" : "Secret";
      String ref = from.has("configMapRef") ? "/configMapRef/name" : "/secretRef/name";
      JsonNode source = named(docs, kind, from.at(ref).asText());
      JsonNode data = kind.equals("Secret") ? source.path("stringData") : source.path("data");
      data.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    for (JsonNode e : container.path("env")) {
      env.put(
          e.path("name").asText(),
          e.has("value") ? e.path("value").asText() : "<from " + e.path("valueFrom") + ">");
    }
    return env;
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void everyServiceGetsEverySettingItReadsAndItsOwnKafkaIdentity(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    for (String name : ServiceConfig.SERVICES) {
      ServiceConfig config = ServiceConfig.of(name);
      JsonNode c = named(docs, "Deployment", name).at("/spec/template/spec/containers/0");
      Map<String, String> env = environment(docs, c);
      for (String var : config.requiredEnvironment()) {
        assertTrue(
            env.containsKey(var) && !env.get(var).isBlank(),
            overlay + ": " + name + " lacks " + var);
      }
      assertEquals(String.valueOf(config.httpPort()), env.get("QUARKUS_HTTP_PORT"), name);
      for (String var : env.keySet()) {
        assertTrue(
            config.reads(var),
            overlay
                + ": "
                + name
                + " is given "
                + var
                + ", which no configuration key of it reads");
      }
      // Its own KafkaUser's credentials, and the CA to trust the brokers with.
      JsonNode jaas = null;
      for (JsonNode e : c.path("env")) {
        if (e.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) {
          jaas = e;
        }
      }
      assertTrue(jaas != null, name + " gets KAFKA_SASL_JAAS_CONFIG");
      assertEquals(name, jaas.at("/valueFrom/secretKeyRef/name").asText(), name + "'s KafkaUser");
      assertEquals("sasl.jaas.config", jaas.at("/valueFrom/secretKeyRef/key").asText());
      named(docs, "KafkaUser", name);
      String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
      boolean mounted = false;
      for (JsonNode m : c.path("volumeMounts")) {
        if (truststore != null && truststore.startsWith(m.path("mountPath").asText() + "/")) {
          for (JsonNode v : named(docs, "Deployment", name).at("/spec/template/spec/volumes")) {
            mounted |=
                v.path("name").asText().equals(m.path("name").asText())
                    && v.at("/secret/secretName").asText().equals(CLUSTER_CA);
          }
        }
      }
      assertTrue(mounted, name + " mounts the cluster CA where KAFKA_SSL_TRUSTSTORE_LOCATION says");
    }
  }

  static boolean asksForGpu(JsonNode deployment) {
    JsonNode spec = deployment.at("/spec/template/spec");
    String text = spec.toString();
    return text.contains("nvidia.com/gpu");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void gpuSchedulingOnlyInTheGpuOverlay(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    Set<String> onGpu = Set.of("trainer-service", "evaluator-service");
    for (JsonNode d : ofKind(docs, "Deployment")) {
      String name = d.at("/metadata/name").asText();
      JsonNode spec = d.at("/spec/template/spec");
      JsonNode c = spec.at("/containers/0");
      if (overlay.equals("overlays/gpu") && onGpu.contains(name)) {
        assertTrue(
            c.at("/resources/limits/nvidia.com~1gpu").asInt() >= 1, name + " asks for a GPU");
        assertEquals("true", spec.at("/nodeSelector/nvidia.com~1gpu.present").asText(), name);
        boolean tolerates = false;
        for (JsonNode t : spec.path("tolerations")) {
          tolerates |=
              t.path("key").asText().equals("nvidia.com/gpu")
                  && t.path("effect").asText().equals("NoSchedule");
        }
        assertTrue(tolerates, name + " tolerates the nvidia.com/gpu taint");
        assertTrue(c.path("image").asText().endsWith("-cuda"), name + " runs the CUDA image");
      } else {
        assertFalse(asksForGpu(d), overlay + ": " + name + " has no GPU scheduling");
        assertFalse(c.path("image").asText().endsWith("-cuda"), overlay + ": " + name);
      }
    }
    if (overlay.equals("overlays/gpu")) {
      int trainers = named(docs, "Deployment", "trainer-service").at("/spec/replicas").asInt();
      int partitions = Topics.spec(Topics.TRAINING_REQUESTS).orElseThrow().partitions();
      assertTrue(
          trainers >= 1 && trainers <= partitions,
          "one trainer per GPU, at most one per partition of "
              + Topics.TRAINING_REQUESTS
              + " ("
              + partitions
              + "): "
              + trainers);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void everyTopicOfTheTableIsAKafkaTopicWithItsSettings(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    int brokers = 0;
    for (JsonNode pool : ofKind(docs, "KafkaNodePool")) {
      for (JsonNode role : pool.at("/spec/roles")) {
        if (role.asText().equals("broker")) {
          brokers += pool.at("/spec/replicas").asInt();
        }
      }
    }
    assertTrue(brokers >= 1, overlay + ": a KafkaNodePool with brokers");
    int replicas = Math.min(3, brokers);
    JsonNode kafkaConfig = named(docs, "Kafka", "tuneforge").at("/spec/kafka/config");
    assertEquals(
        replicas, kafkaConfig.path("default.replication.factor").asInt(), overlay + " replication");
    int minIsr = kafkaConfig.path("min.insync.replicas").asInt();
    assertTrue(
        minIsr >= 1 && (minIsr < replicas || replicas == 1),
        overlay + ": min.insync.replicas " + minIsr + " leaves room for one broker down");
    assertFalse(kafkaConfig.path("auto.create.topics.enable").asBoolean(true), overlay);
    Map<String, JsonNode> topics = new LinkedHashMap<>();
    for (JsonNode t : ofKind(docs, "KafkaTopic")) {
      topics.put(t.at("/spec/topicName").asText(), t);
    }
    for (TopicSpec s : Topics.SPECS) {
      JsonNode t = topics.get(s.name());
      assertTrue(t != null, overlay + " lacks KafkaTopic " + s.name());
      assertEquals(s.partitions(), t.at("/spec/partitions").asInt(), s.name() + " partitions");
      assertTrue(
          t.at("/spec/replicas").isMissingNode(),
          overlay + " " + s.name() + " takes the cluster's default.replication.factor");
      Map<String, String> config = new LinkedHashMap<>();
      t.at("/spec/config")
          .fields()
          .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
      assertEquals(s.configs(), config, overlay + " " + s.name() + " settings");
    }
    assertEquals(
        new TreeSet<>(ServiceConfig.tableTopics()),
        new TreeSet<>(topics.keySet()),
        overlay + ": exactly the table's topics");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void everyKafkaUserIsLimitedToItsServicesTopicsAndGroups(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    Set<String> users = new TreeSet<>();
    for (JsonNode user : ofKind(docs, "KafkaUser")) {
      String name = user.at("/metadata/name").asText();
      users.add(name);
      assertEquals("tuneforge", user.at("/metadata/labels/strimzi.io~1cluster").asText(), name);
      assertEquals("scram-sha-512", user.at("/spec/authentication/type").asText(), name);
      Map<String, Set<Use>> allowedTopics;
      Set<String> groups;
      if (ServiceConfig.SERVICES.contains(name)) {
        ServiceConfig config = ServiceConfig.of(name);
        allowedTopics = config.topics();
        groups = config.groups();
      } else if (name.equals("tuneforge-admin-bootstrap")) {
        allowedTopics = Map.of(Topics.API_KEYS, Set.of(Use.WRITE));
        groups = Set.of();
      } else {
        fail(overlay + ": KafkaUser " + name + " belongs to no service");
        return;
      }
      Map<String, Set<String>> topicOps = new HashMap<>();
      Map<String, Set<String>> groupOps = new HashMap<>();
      for (JsonNode acl : user.at("/spec/authorization/acls")) {
        String type = acl.at("/resource/type").asText();
        String resource = acl.at("/resource/name").asText();
        String where = overlay + ": KafkaUser " + name + " ACL on " + type + " " + resource;
        assertEquals("literal", acl.at("/resource/patternType").asText("literal"), where);
        assertTrue(acl.path("type").asText("allow").equals("allow"), where + " is an allow rule");
        Set<String> ops = new TreeSet<>();
        acl.path("operations").forEach(o -> ops.add(o.asText()));
        switch (type) {
          case "topic" -> {
            Set<Use> use = allowedTopics.get(resource);
            assertTrue(
                use != null, where + ": its service's configuration does not name that topic");
            assertTrue(TOPIC_OPERATIONS.containsAll(ops), where + ": only " + TOPIC_OPERATIONS);
            boolean read = use.contains(Use.READ) || use.contains(Use.EITHER);
            boolean write = use.contains(Use.WRITE) || use.contains(Use.EITHER);
            assertTrue(read || !ops.contains("Read"), where + ": the service never reads it");
            assertTrue(write || !ops.contains("Write"), where + ": the service never writes it");
            topicOps.computeIfAbsent(resource, x -> new TreeSet<>()).addAll(ops);
          }
          case "group" -> {
            assertTrue(groups.contains(resource), where + ": not one of its groups " + groups);
            assertTrue(GROUP_OPERATIONS.containsAll(ops), where + ": only " + GROUP_OPERATIONS);
            groupOps.computeIfAbsent(resource, x -> new TreeSet<>()).addAll(ops);
          }
          default -> fail(where + ": services need no " + type + " rights");
        }
      }
      // Nothing it needs is missing either.
      allowedTopics.forEach(
          (topic, use) -> {
            Set<String> ops = topicOps.getOrDefault(topic, Set.of());
            String where = overlay + ": KafkaUser " + name + " on " + topic;
            assertTrue(ops.contains("Describe"), where + " lacks Describe");
            if (use.contains(Use.READ)) {
              assertTrue(ops.contains("Read"), where + " lacks Read");
            }
            if (use.contains(Use.WRITE)) {
              assertTrue(ops.contains("Write"), where + " lacks Write");
            }
            if (use.contains(Use.EITHER)) {
              assertTrue(
                  ops.contains("Read") || ops.contains("Write"), where + " lacks Read/Write");
            }
          });
      for (String g : groups) {
        assertTrue(
            groupOps.getOrDefault(g, Set.of()).contains("Read"),
            overlay + ": KafkaUser " + name + " lacks Read on its group " + g);
      }
    }
    Set<String> expected = new TreeSet<>(ServiceConfig.SERVICES);
    expected.add("tuneforge-admin-bootstrap");
    assertEquals(expected, users, overlay + ": one KafkaUser per service");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void noCredentialInAConfigMapAndEveryReferenceResolves(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    for (JsonNode cm : ofKind(docs, "ConfigMap")) {
      for (String field : List.of("data", "binaryData")) {
        cm.path(field)
            .fieldNames()
            .forEachRemaining(
                k -> {
                  String key = k.toLowerCase(Locale.ROOT);
                  for (String word : List.of("password", "secret", "key", "token", "jaas")) {
                    assertFalse(
                        key.contains(word),
                        overlay
                            + ": ConfigMap "
                            + cm.at("/metadata/name").asText()
                            + " holds "
                            + k
                            + "; credentials belong in a Secret");
                  }
                });
      }
    }
    Set<String> secrets = new HashSet<>();
    ofKind(docs, "Secret").forEach(s -> secrets.add(s.at("/metadata/name").asText()));
    ofKind(docs, "KafkaUser").forEach(u -> secrets.add(u.at("/metadata/name").asText()));
    secrets.add(CLUSTER_CA);
    Set<String> configMaps = new HashSet<>();
    ofKind(docs, "ConfigMap").forEach(s -> configMaps.add(s.at("/metadata/name").asText()));
    List<JsonNode> workloads = new ArrayList<>();
    for (String kind : List.of("Deployment", "StatefulSet", "Job")) {
      workloads.addAll(ofKind(docs, kind));
    }
    for (JsonNode w : workloads) {
      String text = w.toString();
      String where = overlay + " " + w.path("kind").asText() + " " + w.at("/metadata/name");
      for (JsonNode ref : w.findValues("secretRef")) {
        assertTrue(secrets.contains(ref.path("name").asText()), where + " uses " + ref);
      }
      for (JsonNode ref : w.findValues("secretKeyRef")) {
        assertTrue(secrets.contains(ref.path("name").asText()), where + " uses " + ref);
      }
      for (JsonNode ref : w.findValues("secretName")) {
        assertTrue(secrets.contains(ref.asText()), where + " mounts Secret " + ref);
      }
      for (JsonNode ref : w.findValues("configMapRef")) {
        assertTrue(configMaps.contains(ref.path("name").asText()), where + " uses " + ref);
      }
      for (JsonNode v : w.findValues("configMap")) {
        assertTrue(configMaps.contains(v.path("name").asText()), where + " mounts " + v);
      }
      assertFalse(text.contains("\"privileged\":true"), where + " is not privileged");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void oneIngressToTheGatewayWhichReachesEveryService(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    List<JsonNode> ingresses = ofKind(docs, "Ingress");
    assertEquals(1, ingresses.size(), overlay + ": one Ingress, one base URL");
    JsonNode paths = ingresses.get(0).at("/spec/rules/0/http/paths");
    assertEquals(1, paths.size(), "the gateway owns the routing table");
    assertEquals("/", paths.at("/0/path").asText());
    assertEquals("Prefix", paths.at("/0/pathType").asText());
    assertEquals(GATEWAY, paths.at("/0/backend/service/name").asText());
    JsonNode gatewayService = named(docs, "Service", GATEWAY);
    assertEquals(
        paths.at("/0/backend/service/port/name").asText(),
        gatewayService.at("/spec/ports/0/name").asText());

    JsonNode gateway = named(docs, "Deployment", GATEWAY).at("/spec/template/spec/containers/0");
    Map<String, String> env = environment(docs, gateway);
    assertEquals("0.0.0.0", env.get("TUNEFORGE_GATEWAY_HOST"));
    Routes routes = Routes.fromEnvironment(env);
    Set<String> routed = new TreeSet<>();
    for (Routes.Service s : routes.services()) {
      routed.add(s.name());
      JsonNode svc = named(docs, "Service", s.baseUrl().getHost());
      int port = ServiceConfig.of(s.name()).httpPort();
      assertEquals(port, s.baseUrl().getPort(), "gateway reaches " + s.name() + " on its port");
      assertEquals(port, svc.at("/spec/ports/0/port").asInt(), s.name() + " Service port");
      assertEquals(
          s.name(), svc.at("/spec/selector/app").asText(), s.name() + " Service selects it");
    }
    assertEquals(new TreeSet<>(ServiceConfig.SERVICES), routed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu", "overlays/external-s3"})
  void theBucketIsTheClustersMinioOrTheConfiguredS3(String overlay) throws Exception {
    List<JsonNode> docs = rendered(overlay);
    String endpoint =
        named(docs, "ConfigMap", "tuneforge-config").at("/data/TUNEFORGE_S3_ENDPOINT").asText();
    boolean minio =
        ofKind(docs, "StatefulSet").stream()
            .anyMatch(d -> d.at("/metadata/name").asText().equals("minio"));
    if (overlay.endsWith("external-s3")) {
      assertFalse(minio, "no MinIO next to an external S3");
      assertFalse(endpoint.contains("minio"), endpoint);
      for (JsonNode d : docs) {
        assertFalse(d.toString().contains("minio"), overlay + " still has " + d.at("/metadata"));
      }
    } else {
      assertTrue(minio, overlay + " runs MinIO");
      JsonNode svc = named(docs, "Service", "minio");
      assertEquals("http://minio:" + svc.at("/spec/ports/0/port").asInt(), endpoint);
      JsonNode init = named(docs, "Job", "minio-init");
      assertTrue(
          init.toString().contains("tuneforge-s3"),
          "minio-init creates the user the services log in as");
    }
  }

  /**
   * The one-off admin key Job (applied by hand, outside the overlays) writes with its own
   * KafkaUser, with every Kafka setting the services get, and trusts the cluster CA where they do.
   */
  @org.junit.jupiter.api.Test
  void adminKeyJobUsesTheBootstrapIdentityAndTheServicesKafkaSettings() throws Exception {
    JsonNode job =
        Manifests.documents(Manifests.K8S.resolve("bootstrap/admin-key-job.yaml")).get(0);
    assertEquals("Job", job.path("kind").asText());
    JsonNode c = job.at("/spec/template/spec/containers/0");
    String script = c.at("/args/0").asText();
    assertTrue(script.contains("keys bootstrap --kafka \"$KAFKA_BOOTSTRAP_SERVERS\""), script);
    JsonNode config = null;
    for (JsonNode doc : Manifests.documents(Manifests.K8S.resolve("base/config.yaml"))) {
      if (doc.path("kind").asText().equals("ConfigMap")) {
        config = doc.path("data");
      }
    }
    assertEquals("tuneforge-config", c.at("/envFrom/0/configMapRef/name").asText());
    List<String> kafkaSettings = new ArrayList<>(List.of("KAFKA_SASL_JAAS_CONFIG"));
    config
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (k.startsWith("KAFKA_") && !k.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                kafkaSettings.add(k);
              }
            });
    for (String var : kafkaSettings) {
      String property = var.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
      assertTrue(
          script.contains("--kafka-property \"" + property + "=$" + var + "\""),
          "the Job passes " + var + " as " + property);
    }
    assertEquals("tuneforge-admin-bootstrap", c.at("/env/0/valueFrom/secretKeyRef/name").asText());
    assertEquals("sasl.jaas.config", c.at("/env/0/valueFrom/secretKeyRef/key").asText());
    assertEquals(CLUSTER_CA, job.at("/spec/template/spec/volumes/0/secret/secretName").asText());
    assertTrue(
        config
            .path("KAFKA_SSL_TRUSTSTORE_LOCATION")
            .asText()
            .startsWith(c.at("/volumeMounts/0/mountPath").asText() + "/"),
        "the CA is mounted where KAFKA_SSL_TRUSTSTORE_LOCATION says");
    assertTrue(script.endsWith("cat /keys/admin-key"), "the secret is the log's last line");
    assertEquals(
        "true",
        job.at("/spec/template/metadata/labels/tuneforge.dev~1kafka-client").asText(),
        "Strimzi's listener policy lets it connect");
  }
}
