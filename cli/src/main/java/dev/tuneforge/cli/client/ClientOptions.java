package dev.tuneforge.cli.client;

import picocli.CommandLine.Option;

/** {@code --url} and {@code --api-key}, on every command that talks to the platform. */
public final class ClientOptions {

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The platform's base URL (default: TUNEFORGE_URL, else url= in ~/.tuneforge/config,"
              + " else the local gateway "
              + ClientConfig.LOCAL_URL
              + ").")
  String url;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "The API key (default: TUNEFORGE_API_KEY, else key= in ~/.tuneforge/config, else"
              + " $TUNEFORGE_DATA/admin-key from `tuneforge up`).")
  String apiKey;

  private PlatformClient client;

  public PlatformClient client() {
    if (client == null) {
      client = PlatformClient.of(ClientConfig.resolve(url, apiKey));
    }
    return client;
  }
}
