package dev.tuneforge.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The URL and key come from the first source that has them: flag, environment, file, local. */
class ClientConfigTest {

  @TempDir Path dir;

  private Path config(String text) throws Exception {
    return Files.writeString(dir.resolve("config"), text);
  }

  private Path adminKey(String secret) throws Exception {
    return Files.writeString(dir.resolve("admin-key"), secret + "\n");
  }

  @Test
  void flagsWinOverEnvironmentOverFileOverLocal() throws Exception {
    Path file = config("url=https://file.example/\nkey=tf-file\n");
    Path admin = adminKey("tf-admin");
    Map<String, String> env =
        Map.of("TUNEFORGE_URL", "https://env.example", "TUNEFORGE_API_KEY", "tf-env");

    ClientConfig flags = ClientConfig.resolve("https://flag.example", "tf-flag", env, file, admin);
    assertEquals("https://flag.example", flags.url().toString());
    assertEquals("tf-flag", flags.key());
    assertEquals("--api-key", flags.keySource());

    ClientConfig fromEnv = ClientConfig.resolve(null, null, env, file, admin);
    assertEquals("https://env.example", fromEnv.url().toString());
    assertEquals("tf-env", fromEnv.key());

    ClientConfig fromFile = ClientConfig.resolve(null, null, Map.of(), file, admin);
    assertEquals("https://file.example", fromFile.url().toString()); // trailing slash dropped
    assertEquals("tf-file", fromFile.key());
    assertEquals(file.toString(), fromFile.keySource());

    ClientConfig local = ClientConfig.resolve(null, null, Map.of(), dir.resolve("absent"), admin);
    assertEquals(ClientConfig.LOCAL_URL, local.url().toString());
    assertEquals("tf-admin", local.key());
    assertEquals(admin.toString(), local.keySource());
  }

  @Test
  void blankValuesAreSkippedNotUsed() throws Exception {
    Path admin = adminKey("tf-admin");
    ClientConfig c =
        ClientConfig.resolve(
            " ", "", Map.of("TUNEFORGE_URL", "", "TUNEFORGE_API_KEY", "  "), null, admin);
    assertEquals(ClientConfig.LOCAL_URL, c.url().toString());
    assertEquals("tf-admin", c.key());
  }

  @Test
  void theConfigFileMayBeWrittenAsYaml() throws Exception {
    Path file = config("# my platform\nurl: \"http://gpu-box:8080\"\nkey: 'tf-yaml'\n");
    ClientConfig c = ClientConfig.resolve(null, null, Map.of(), file, null);
    assertEquals("http://gpu-box:8080", c.url().toString());
    assertEquals("tf-yaml", c.key());
  }

  @Test
  void anUnknownSettingInTheFileIsNamed() throws Exception {
    Path file = config("url=http://a:1\ntoken=tf-x\n");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClientConfig.resolve(null, null, Map.of(), file, null));
    assertEquals(
        "config file " + file + ": unknown setting 'token' (known: url, key)", e.getMessage());
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedNamingIt() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClientConfig.resolve("localhost:8080", null, Map.of(), null, null));
    assertTrue(
        e.getMessage().contains("http(s)://host[:port], was 'localhost:8080'"), e.getMessage());
  }

  @Test
  void noKeyAnywhereSaysWhereToPutOne() {
    ClientConfig c =
        ClientConfig.resolve(null, null, Map.of(), dir.resolve("none"), dir.resolve("none2"));
    assertNull(c.key());
    ApiError e = assertThrows(ApiError.class, c::requireKey);
    assertTrue(
        e.getMessage().contains("--api-key")
            && e.getMessage().contains("TUNEFORGE_API_KEY")
            && e.getMessage().contains("~/.tuneforge/config"),
        e.getMessage());
  }
}
