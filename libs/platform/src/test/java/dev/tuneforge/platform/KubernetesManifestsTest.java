package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kustomize base gives every service every required key; the GPU overlay asks for GPUs. */
class KubernetesManifestsTest {

  static final Path K8S = Path.of("../../k8s");
  final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  List<JsonNode> documents(Path file) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(file.toFile())) {
      var it = yaml.readValues(p, JsonNode.class);
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
    return docs;
  }

  @Test
  void everyResourceIsListedAndEveryDeploymentGetsTheRequiredKeys() throws Exception {
    JsonNode kustomization = yaml.readTree(K8S.resolve("base/kustomization.yaml").toFile());
    Set<String> configKeys = new HashSet<>();
    List<JsonNode> deployments = new ArrayList<>();
    for (JsonNode r : kustomization.get("resources")) {
      Path file = K8S.resolve("base").resolve(r.asText());
      assertTrue(Files.exists(file), "kustomization lists missing " + file);
      for (JsonNode doc : documents(file)) {
        if (doc.path("kind").asText().equals("ConfigMap")) {
          doc.get("data").fieldNames().forEachRemaining(configKeys::add);
        } else if (doc.path("kind").asText().equals("Secret")) {
          doc.get("stringData").fieldNames().forEachRemaining(configKeys::add);
        } else if (doc.path("kind").asText().equals("Deployment")) {
          deployments.add(doc);
        }
      }
    }
    for (String key : ComposeFileTest.requiredKeys()) {
      assertTrue(
          configKeys.contains(ComposeFileTest.envName(key)),
          "config lacks " + ComposeFileTest.envName(key));
    }
    Set<String> names = new HashSet<>();
    for (JsonNode d : deployments) {
      String name = d.at("/metadata/name").asText();
      names.add(name);
      JsonNode c = d.at("/spec/template/spec/containers/0");
      List<String> from = new ArrayList<>();
      c.get("envFrom")
          .forEach(
              e ->
                  from.add(
                      e.has("configMapRef")
                          ? e.at("/configMapRef/name").asText()
                          : e.at("/secretRef/name").asText()));
      assertEquals(List.of("tuneforge-config", "tuneforge-s3"), from, name);
      assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), name);
    }
    assertEquals(new HashSet<>(ComposeFileTest.SERVICES), names);
  }

  @Test
  void gpuOverlayPutsTrainersOnGpuNodes() throws Exception {
    JsonNode patch = yaml.readTree(K8S.resolve("overlays/gpu/gpu-trainer.yaml").toFile());
    ObjectNode spec = (ObjectNode) patch.at("/spec/template/spec");
    assertEquals(1, spec.at("/containers/0/resources/limits").get("nvidia.com/gpu").asInt());
    assertEquals("nvidia.com/gpu", spec.at("/tolerations/0/key").asText());
    assertEquals("trainer-service", patch.at("/metadata/name").asText());
  }
}
