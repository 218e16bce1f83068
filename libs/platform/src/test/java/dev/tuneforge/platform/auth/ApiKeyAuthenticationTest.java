package dev.tuneforge.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.ApiKeyIssued;
import dev.tuneforge.events.ApiKeyRevoked;
import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.platform.ApiException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header check and the key table, without HTTP or Kafka. */
class ApiKeyAuthenticationTest {

  final ApiKeyTable table = new ApiKeyTable();
  final ApiKeyAuthentication auth = new ApiKeyAuthentication();
  final String secret = ApiKeySecrets.newSecret();
  final Instant created = Instant.parse("2026-11-30T10:00:00Z");

  ApiKeyAuthenticationTest() {
    auth.keys = table;
    table.apply(
        new ApiKeyIssued("key-1", "ci", "alpha", "trainer", ApiKeySecrets.sha256(secret), created));
  }

  @Test
  void aKnownKeyIsItsTeamAndRole() {
    ApiKey key = auth.check(List.of("Bearer " + secret));
    assertEquals("alpha", key.team());
    assertEquals(Role.TRAINER, key.role());
    assertEquals(
        key,
        auth.check(List.of("bearer   " + secret + "  ")),
        "scheme is case-insensitive, spaces trimmed");
  }

  @Test
  void everyMalformedOrUnknownHeaderIs401WithoutEchoingIt() {
    char[] big = new char[10 * 1024];
    Arrays.fill(big, 'x');
    List<List<String>> bad =
        List.of(
            List.of(),
            List.of(""),
            List.of("Bearer"),
            List.of("Bearer "),
            List.of("Basic dXNlcjpwYXNz"),
            List.of("Bearer " + new String(big)),
            List.of("Bearer tf-ключ"),
            List.of("Bearer " + secret + " x"),
            List.of("Bearer tf-unknown"),
            List.of("Bearer " + secret, "Bearer " + secret));
    for (List<String> values : bad) {
      ApiException e =
          assertThrows(ApiException.class, () -> auth.check(values), values.toString());
      assertEquals(401, e.status());
      assertEquals("invalid_api_key", e.code());
      assertFalse(
          e.getMessage().contains("xxxxxxxx") || e.getMessage().contains("ключ"), e.getMessage());
    }
    assertThrows(ApiException.class, () -> auth.check(null));
  }

  @Test
  void aRevokedKeyIs401AndTheTableKeepsItsState() {
    table.apply(
        new ApiKeyRevoked(
            "key-1",
            "ci",
            "alpha",
            "trainer",
            ApiKeySecrets.sha256(secret),
            created,
            created.plusSeconds(60)));
    ApiException e =
        assertThrows(ApiException.class, () -> auth.check(List.of("Bearer " + secret)));
    assertTrue(e.getMessage().contains("revoked"), e.getMessage());
    assertEquals(1, table.all().size());
    assertTrue(table.byId("key-1").orElseThrow().revoked());
  }

  @Test
  void rolesGrantWhatTheyShould() {
    assertTrue(Role.ADMIN.grants(Role.REVIEWER));
    assertTrue(Role.TRAINER.grants(Role.VIEWER));
    assertTrue(Role.REVIEWER.grants(Role.VIEWER));
    assertFalse(Role.TRAINER.grants(Role.REVIEWER), "who trains does not ship");
    assertFalse(Role.REVIEWER.grants(Role.TRAINER));
    assertFalse(Role.VIEWER.grants(Role.TRAINER));
    assertFalse(Role.TRAINER.grants(Role.ADMIN));
  }

  @Test
  void secretsAreLongRandomAndOnlyTheirHashIsKept() {
    String other = ApiKeySecrets.newSecret();
    assertFalse(secret.equals(other));
    assertTrue(secret.matches("tf-[A-Za-z0-9_-]{43}"), secret); // 32 bytes = 256 bits
    assertEquals(64, ApiKeySecrets.sha256(secret).length());
    assertFalse(table.all().toString().contains(secret));
  }
}
