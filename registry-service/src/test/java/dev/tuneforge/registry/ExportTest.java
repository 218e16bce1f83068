package dev.tuneforge.registry;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.Sha256;
import dev.tuneforge.events.Topics;
import dev.tuneforge.llm.export.gguf.GgufExporter;
import dev.tuneforge.llm.export.gguf.GgufFile;
import dev.tuneforge.llm.export.gguf.GgufType;
import dev.tuneforge.llm.export.gguf.NodeLlamaCpp;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.merge.LoraMerger;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.score.Scorer;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.registry.models.ModelCheck;
import dev.tuneforge.registry.state.ExportRecord;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exports round trip: a tiny base and adapter published through the artifact layer, exported by the
 * service in the background, downloaded through presigned URLs, and compared byte for byte with the
 * engine's own merge and GGUF writer run here on the same inputs; the merged folder is also loaded
 * and scored by the engine.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class ExportTest {

  @Inject ArtifactStore artifacts;
  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.registry.view-topics")
  List<String> viewTopics;

  static Path work;

  @BeforeAll
  static void dirs() throws Exception {
    work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "export-test");
  }

  private record Setup(TestKeys.Key trainer, Path base, Path adapter, String path) {}

  private Setup register(String adapterName) throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    String baseName = Fixtures.unique("tiny");
    Path base = TinyModels.base(work.resolve(baseName), 2);
    artifacts.publish(base, BucketLayout.model(baseName, "main"), ArtifactKind.MODEL, Map.of());
    String job = Fixtures.unique("ftjob");
    Path adapter = TinyModels.adapter(work.resolve(job), 2);
    artifacts.publish(adapter, BucketLayout.adapter(job), ArtifactKind.ADAPTER, Map.of());
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(
            job, team, adapterName, artifacts.objects().uri(BucketLayout.adapter(job)), baseName));
    RegistryFlowTest.awaitJson(
        trainer, "/v1/registry/adapters/" + adapterName + "/versions/1", "job_id", job);
    return new Setup(
        trainer, base, adapter, "/v1/registry/adapters/" + adapterName + "/versions/1");
  }

  private static JsonPath awaitExport(Setup s, String id) {
    return awaitStatus(s, id, "succeeded");
  }

  private static JsonPath awaitStatus(Setup s, String id, String status) {
    JsonPath[] last = new JsonPath[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              last[0] = s.trainer().given().get(s.path() + "/exports/" + id).jsonPath();
              if (!status.equals("failed")) {
                assertTrue(!"failed".equals(last[0].getString("status")), last[0].prettify());
              }
              return status.equals(last[0].getString("status"));
            });
    return last[0];
  }

  private static Path download(JsonPath export, Path dir) throws Exception {
    Files.createDirectories(dir);
    HttpClient http = HttpClient.newHttpClient();
    List<Map<String, Object>> files = export.getList("files");
    for (Map<String, Object> f : files) {
      Path target = dir.resolve((String) f.get("path"));
      Files.createDirectories(target.getParent());
      HttpResponse<Path> r =
          http.send(
              HttpRequest.newBuilder(URI.create((String) f.get("url"))).build(),
              HttpResponse.BodyHandlers.ofFile(target));
      assertEquals(200, r.statusCode(), (String) f.get("path"));
      assertEquals(f.get("sha256"), Sha256.of(target), (String) f.get("path"));
    }
    return dir;
  }

  @Test
  void aMergedExportEqualsTheEnginesMergeAndLoads() throws Exception {
    Setup s = register("merge-me");
    s.trainer()
        .given()
        .contentType("application/json")
        .body("{\"format\":\"merged\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(202)
        .body("id", equalTo("merged"));
    JsonPath export = awaitExport(s, "merged");
    Path got = download(export, work.resolve("merged-got"));
    Path expected = work.resolve("merged-expected");
    LoraMerger.merge(s.base(), s.adapter(), expected);
    try (var files = Files.list(expected)) {
      for (Path f : files.toList()) {
        assertEquals(Sha256.of(f), Sha256.of(got.resolve(f.getFileName())), f.getFileName() + "");
      }
    }
    assertTrue(ModelCheck.check(got).usable(), ModelCheck.check(got).toString());
    // The same request again: the same export, already complete.
    s.trainer()
        .given()
        .contentType("application/json")
        .body("{\"format\":\"merged\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(200)
        .body("status", equalTo("succeeded"));
    s.trainer()
        .given()
        .get(s.path() + "/lineage")
        .then()
        .statusCode(200)
        .body("exports[0].id", equalTo("merged"))
        .body("exports[0].sha256", matchesPattern("[0-9a-f]{64}"));
  }

  /**
   * The merged folder as a client gets it (every file through its presigned URL) is a model the
   * engine loads, and it scores fixed token sequences as the base with the adapter applied does.
   */
  @Test
  void aMergedExportDownloadedThroughItsUrlScoresLikeBasePlusAdapter() throws Exception {
    Setup s = register("score-me");
    s.trainer()
        .given()
        .contentType("application/json")
        .body("{\"format\":\"merged\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(202);
    Path merged = download(awaitExport(s, "merged"), work.resolve("score-merged"));
    int[][] sequences = {
      {0, 5, 17, 42, 99, 200, 7, 3, 311, 64},
      {0, 407, 1, 2, 150, 150, 150, 88, 19},
      {0, 33, 260, 12, 9, 401, 77, 5, 6, 8, 10, 240}
    };
    double vsAdapter = 0;
    double adapterEffect = 0;
    try (CausalLM engine = ModelLoader.load(new LocalModelSource(merged));
        CausalLM base = ModelLoader.load(new LocalModelSource(s.base()));
        AdapterLoader.Adapted adapted =
            AdapterLoader.load(new LocalModelSource(s.base()), s.adapter())) {
      for (int[] ids : sequences) {
        float[] got = Scorer.logprobs(engine, ids);
        float[] want = Scorer.logprobs(adapted.model(), ids);
        float[] plain = Scorer.logprobs(base, ids);
        assertEquals(ids.length - 1, got.length);
        for (int i = 0; i < got.length; i++) {
          vsAdapter = Math.max(vsAdapter, Math.abs(got[i] - want[i]));
          adapterEffect = Math.max(adapterEffect, Math.abs(plain[i] - want[i]));
        }
      }
    }
    System.out.printf(
        "merged export vs base + adapter: max |Δ log p| %.3g (bound 1e-4); the adapter's own"
            + " effect %.3g%n",
        vsAdapter, adapterEffect);
    assertTrue(vsAdapter < 1e-4, "merged export vs base + adapter, max |Δ log p| " + vsAdapter);
    // Otherwise the comparison would pass for an export that dropped the adapter.
    assertTrue(adapterEffect > 1e-3, "the adapter changes the scores: " + adapterEffect);
  }

  /**
   * The test of a GGUF is llama.cpp (its CPU build from the npm package node-llama-cpp, installed
   * by {@code scripts/gguf-check/install.sh}; skipped without it): the f32 export downloaded
   * through its URLs decodes greedily as the engine decodes the merged export, and the {@code
   * gguf-lora} export applied to the base's GGUF as the engine decodes base + adapter.
   */
  @Test
  void ggufExportsDecodeInLlamaCppAsTheEngineDecodes() throws Exception {
    NodeLlamaCpp llamaCpp = NodeLlamaCpp.find();
    assumeTrue(
        llamaCpp != null,
        "node or scripts/gguf-check/node_modules/node-llama-cpp not installed"
            + " (scripts/gguf-check/install.sh)");
    Setup s = register("run-me");
    for (String body :
        List.of(
            "{\"format\":\"merged\"}",
            "{\"format\":\"gguf\",\"type\":\"f32\"}",
            "{\"format\":\"gguf-lora\"}")) {
      s.trainer()
          .given()
          .contentType("application/json")
          .body(body)
          .post(s.path() + "/exports")
          .then()
          .statusCode(202);
    }
    Path merged = download(awaitExport(s, "merged"), work.resolve("cpp-merged"));
    Path f32 =
        download(awaitExport(s, "gguf-f32"), work.resolve("cpp-f32")).resolve("run-me-v1-f32.gguf");
    Path lora =
        download(awaitExport(s, "gguf-lora"), work.resolve("cpp-lora"))
            .resolve("run-me-v1-lora.gguf");
    // The base's GGUF, as `tuneforge export` writes it, for the LoRA to be applied to.
    Path baseGguf = work.resolve("run-me-base-f32.gguf");
    GgufExporter.export(s.base(), baseGguf, GgufType.F32);
    GenerationConfig greedy = GenerationConfig.greedy(CPP_TOKENS).withEos(NodeLlamaCpp.eogIds(f32));
    int runs = 0;
    try (Tokenizer tokenizer = Tokenizer.load(s.base());
        CausalLM engine = ModelLoader.load(new LocalModelSource(merged));
        AdapterLoader.Adapted adapted =
            AdapterLoader.load(new LocalModelSource(s.base()), s.adapter())) {
      for (String chat : List.of("What is 2 plus 3?", "Seven plus one is", "Name a colour.")) {
        int[] prompt =
            tokenizer.encode(
                "<|im_start|>user\n" + chat + "<|im_end|>\n<|im_start|>assistant\n", true);
        assertArrayEquals(
            new Generator(engine).generate(prompt, greedy, null).tokens(),
            llamaCpp.greedy(f32, null, prompt, CPP_TOKENS, null).tokens(),
            "llama.cpp on the gguf f32 export vs the engine on the merged export, after '"
                + chat
                + "'");
        assertArrayEquals(
            new Generator(adapted.model()).generate(prompt, greedy, null).tokens(),
            llamaCpp.greedy(baseGguf, lora, prompt, CPP_TOKENS, null).tokens(),
            "llama.cpp on the base GGUF + gguf-lora export vs the engine's base + adapter, after '"
                + chat
                + "'");
        runs++;
      }
    }
    System.out.printf(
        "registry exports in llama.cpp: gguf f32 and base + gguf-lora, %d prompts × %d greedy"
            + " tokens identical to the engine%n",
        runs, CPP_TOKENS);
  }

  static final int CPP_TOKENS = 16;

  @Test
  void aGgufF32ExportEqualsTheEnginesGgufOfTheMergedModel() throws Exception {
    Setup s = register("gguf-me");
    s.trainer()
        .given()
        .contentType("application/json")
        .body("{\"format\":\"gguf\",\"type\":\"f32\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(202)
        .body("id", equalTo("gguf-f32"));
    JsonPath export = awaitExport(s, "gguf-f32");
    Path got = download(export, work.resolve("gguf-got")).resolve("gguf-me-v1-f32.gguf");
    Path expected = work.resolve("gguf-expected.gguf");
    GgufExporter.exportMerged(s.base(), s.adapter(), expected, GgufType.F32, false, "gguf-me-v1");
    assertEquals(Sha256.of(expected), Sha256.of(got));
    GgufFile gguf = GgufFile.read(got);
    assertEquals(3, gguf.version());
    assertEquals("llama", String.valueOf(gguf.get("general.architecture").value()));
    assertTrue(gguf.tensors().containsKey("blk.1.attn_q.weight"), gguf.tensors().keySet() + "");

    s.trainer()
        .given()
        .contentType("application/json")
        .body("{\"format\":\"gguf\",\"type\":\"q3_z\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("type"));
    s.trainer()
        .given()
        .contentType("application/json")
        .body("{\"format\":\"onnx\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("format"));
    TestKeys.issue(s.trainer().team(), "viewer")
        .given()
        .contentType("application/json")
        .body("{\"format\":\"peft\"}")
        .post(s.path() + "/exports")
        .then()
        .statusCode(403);
  }

  @Test
  void peftAndGgufLoraExportsCarryTheAdapter() throws Exception {
    Setup s = register("adapter-out");
    for (String body : List.of("{\"format\":\"peft\"}", "{\"format\":\"gguf-lora\"}")) {
      s.trainer()
          .given()
          .contentType("application/json")
          .body(body)
          .post(s.path() + "/exports")
          .then()
          .statusCode(202);
    }
    Path peft = download(awaitExport(s, "peft"), work.resolve("peft-got"));
    try (var files = Files.list(s.adapter())) {
      for (Path f : files.toList()) {
        assertEquals(Sha256.of(f), Sha256.of(peft.resolve(f.getFileName())), f.getFileName() + "");
      }
    }
    Path lora =
        download(awaitExport(s, "gguf-lora"), work.resolve("lora-got"))
            .resolve("adapter-out-v1-lora.gguf");
    GgufFile gguf = GgufFile.read(lora);
    assertEquals("lora", String.valueOf(gguf.get("adapter.type").value()));
    assertTrue(
        gguf.tensors().containsKey("blk.0.attn_q.weight.lora_a"), gguf.tensors().keySet() + "");
  }

  @Test
  void anExportWhoseBaseModelIsAbsentFailsNamingIt() throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    String job = Fixtures.unique("ftjob");
    Path adapter = TinyModels.adapter(work.resolve(job), 2);
    artifacts.publish(adapter, BucketLayout.adapter(job), ArtifactKind.ADAPTER, Map.of());
    String missing = Fixtures.unique("nowhere");
    TestKafka.send(
        Topics.TRAINING_EVENTS,
        Fixtures.training(
            job, team, "orphan", artifacts.objects().uri(BucketLayout.adapter(job)), missing));
    String path = "/v1/registry/adapters/orphan/versions/1";
    RegistryFlowTest.awaitJson(trainer, path, "job_id", job);
    trainer
        .given()
        .contentType("application/json")
        .body("{\"format\":\"merged\"}")
        .post(path + "/exports")
        .then()
        .statusCode(202);
    JsonPath failed = awaitStatus(new Setup(trainer, null, adapter, path), "merged", "failed");
    assertTrue(
        failed.getString("error").contains("models/" + missing + "/main/"), failed.prettify());
    trainer.given().get(path + "/exports/gguf-q8_0").then().statusCode(404);

    // The failure is a fact in the registry's log: a replica rebuilt from it reports the same.
    RegistryState replica = new RegistryState();
    try (KafkaView view =
        views
            .builder("replica-" + Fixtures.unique("r"))
            .topics(viewTopics)
            .projection(replica)
            .start()) {
      assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
      ExportRecord there =
          replica.export(new VersionRef(team, "orphan", 1), "merged").orElseThrow();
      assertEquals("failed", there.status());
      assertEquals(failed.getString("error"), there.error());
      assertEquals(failed.getString("replica"), there.replica());
    }
  }
}
