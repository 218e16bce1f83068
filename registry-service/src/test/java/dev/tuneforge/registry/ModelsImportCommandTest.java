package dev.tuneforge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.cli.keys.PlatformClient;
import dev.tuneforge.cli.models.ModelsCommand;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code tuneforge models import DIR --name N} and {@code tuneforge models list}, the picocli
 * commands run in this JVM against the running service and the real S3 server: a loadable folder is
 * uploaded, registered and listed (exit 0); a folder with a missing tensor or a lying safetensors
 * header is uploaded but rejected by the registry, and the command says which file and tensor and
 * exits 1.
 */
@QuarkusTest
@WithTestResource(RealStackResource.class)
class ModelsImportCommandTest {

  @TestHTTPResource("/")
  URL service;

  /** What one command run printed and returned. */
  private record Run(int exit, String out, String err) {}

  private PlatformClient client(TestKeys.Key key) {
    String url = service.toString();
    return new PlatformClient(
        URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url), key.secret());
  }

  private static S3Settings s3() {
    var config = ConfigProvider.getConfig();
    return new S3Settings(
        config.getValue("tuneforge.s3.endpoint", String.class),
        config.getValue("tuneforge.s3.access-key", String.class),
        config.getValue("tuneforge.s3.secret-key", String.class),
        config.getValue("tuneforge.s3.bucket", String.class));
  }

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run importModel(TestKeys.Key key, Path dir, String name) {
    return run(
        new ModelsCommand.Import(() -> client(key), ModelsImportCommandTest::s3),
        dir.toString(),
        "--name",
        name);
  }

  private Run list(TestKeys.Key key) {
    return run(new ModelsCommand.ListModels(() -> client(key)));
  }

  private static Path tinyBase(int layers) throws Exception {
    return TinyModels.base(Files.createTempDirectory(Path.of("target"), "cli-base"), layers);
  }

  @Test
  void aGoodFolderIsImportedAndListed() throws Exception {
    String team = Fixtures.unique("team");
    TestKeys.Key trainer = TestKeys.issue(team, "trainer");
    String name = Fixtures.unique("tiny");
    Run imported = importModel(trainer, tinyBase(2), name);
    assertEquals(0, imported.exit(), imported.out() + imported.err());
    assertTrue(
        imported.out().contains("imported " + name + " (llama, owned by " + team + ")"),
        imported.out());
    assertTrue(imported.out().contains("models/" + name + "/main/"), imported.out());

    Run listed = list(TestKeys.issue(team, "viewer"));
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().lines().anyMatch(l -> l.equals(name + "\t" + team)), listed.out());
    Run stranger = list(TestKeys.issue(Fixtures.unique("other"), "viewer"));
    assertEquals(0, stranger.exit(), stranger.err());
    assertFalse(stranger.out().contains(name), stranger.out());
  }

  @Test
  void aFolderWithAMissingTensorIsRejectedNamingTheFileAndTheTensor() throws Exception {
    TestKeys.Key trainer = TestKeys.issue(Fixtures.unique("team"), "trainer");
    String name = Fixtures.unique("short");
    Path dir = tinyBase(1);
    // The config promises two layers; the weights have one.
    Files.writeString(dir.resolve("config.json"), TinyModels.config(2).toString());
    Run r = importModel(trainer, dir, name);
    assertEquals(1, r.exit(), r.out() + r.err());
    System.out.println("models import, missing tensor: " + r.err().strip());
    assertTrue(r.err().contains("rejected"), r.err());
    assertTrue(r.err().contains("model.safetensors"), r.err());
    assertTrue(r.err().contains("model.layers.1.self_attn.q_proj.weight"), r.err());
    Run listed = list(trainer);
    assertEquals(0, listed.exit(), listed.err());
    assertFalse(listed.out().contains(name), listed.out());
  }

  @Test
  void aFolderWithALyingSafetensorsHeaderIsRejectedNamingTheFileAndTheTensor() throws Exception {
    TestKeys.Key trainer = TestKeys.issue(Fixtures.unique("team"), "trainer");
    String name = Fixtures.unique("liar");
    Path dir = tinyBase(1);
    Path weights = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    // The header still lists every tensor's offsets; the data it promises is 64 bytes short.
    Files.write(weights, Arrays.copyOf(bytes, bytes.length - 64));
    Run r = importModel(trainer, dir, name);
    assertEquals(1, r.exit(), r.out() + r.err());
    System.out.println("models import, lying header: " + r.err().strip());
    assertTrue(r.err().contains("model.safetensors"), r.err());
    // The last tensor of the file (by offset) is the one whose data was cut.
    assertTrue(r.err().contains("(the file is truncated): tensor \"model."), r.err());
    Run listed = list(trainer);
    assertFalse(listed.out().contains(name), listed.out());
  }

  @Test
  void aViewerKeyIsRefusedWithExitCode2() throws Exception {
    TestKeys.Key viewer = TestKeys.issue(Fixtures.unique("team"), "viewer");
    Run r = importModel(viewer, tinyBase(1), Fixtures.unique("nope"));
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("403"), r.err());
  }
}
