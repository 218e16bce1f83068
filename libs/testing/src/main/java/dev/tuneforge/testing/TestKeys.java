package dev.tuneforge.testing;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeyRevoked;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.Topics;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys for service tests. A key is issued the way the operator's bootstrap does it: an {@code
 * ApiKeyIssued} record straight on the key topic of the real test broker; {@link #issue} returns
 * once the service under test accepts the key (its view has read the record).
 */
public final class TestKeys {

  /** A key a test holds: its id, team, role and the secret it sends. */
  public record Key(
      String id, String team, String role, String secret, String name, Instant createdAt) {

    /** A request carrying this key as {@code Authorization: Bearer}. */
    public RequestSpecification given() {
      return RestAssured.given().header("Authorization", "Bearer " + secret);
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, Key> SHARED = new ConcurrentHashMap<>();

  private TestKeys() {}

  /**
   * A new key of {@code team} with {@code role}, known to the running service when this returns.
   */
  public static Key issue(String team, String role) {
    String secret = ApiKeySecrets.newSecret();
    Key key = new Key(ApiKeySecrets.newId(), team, role, secret, "test " + role, Instant.now());
    TestKafka.send(
        Topics.API_KEYS,
        new ApiKeyIssued(
            key.id(), key.name(), team, role, ApiKeySecrets.sha256(secret), key.createdAt()));
    awaitStatus(key, 200);
    return key;
  }

  /** One key per team and role for the whole test JVM (the topic outlives test classes). */
  public static Key shared(String team, String role) {
    return SHARED.computeIfAbsent(team + "/" + role, k -> issue(team, role));
  }

  /** Revokes {@code key} on the topic and waits until the service refuses it. */
  public static void revoke(Key key) {
    TestKafka.send(
        Topics.API_KEYS,
        new ApiKeyRevoked(
            key.id(),
            key.name(),
            key.team(),
            key.role(),
            ApiKeySecrets.sha256(key.secret()),
            key.createdAt(),
            Instant.now()));
    awaitStatus(key, 401);
  }

  /**
   * Makes every plain {@code given()} of this test send {@code key} (for tests that are not about
   * auth); {@link #clearDefault} undoes it.
   */
  public static void useByDefault(Key key) {
    RestAssured.requestSpecification =
        new RequestSpecBuilder().addHeader("Authorization", "Bearer " + key.secret()).build();
  }

  public static void clearDefault() {
    RestAssured.requestSpecification = null;
  }

  private static void awaitStatus(Key key, int status) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    int last = -1;
    while (System.nanoTime() < deadline) {
      try {
        // A plain client: RestAssured's default spec may already carry another key.
        last =
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                RestAssured.baseURI + ":" + RestAssured.port + "/v1/keys/self"))
                        .header("Authorization", "Bearer " + key.secret())
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (last == status) {
          return;
        }
        Thread.sleep(50);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "the service did not answer "
            + status
            + " for key "
            + key.id()
            + " within 30 s (last "
            + last
            + ")");
  }
}
