package dev.tuneforge.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key secrets: {@code tf-} and 32 random bytes in base64url (256 bits), shown to the client once
 * and kept only as their sha256. A fast hash is right here: the secret is random and long, so there
 * is nothing to brute-force that a slow hash would protect (unlike a password). It lives beside
 * {@link ApiKeyIssued} because it defines what that event's {@code secretSha256} is.
 */
public final class ApiKeySecrets {

  public static final String PREFIX = "tf-";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What a presented token may look like before it is hashed: bounded length, a token68 alphabet.
   */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{1,256}");

  private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private ApiKeySecrets() {}

  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A key's public id: {@code key-} and 20 random characters (no relation to the secret). */
  public static String newId() {
    StringBuilder sb = new StringBuilder("key-");
    for (int i = 0; i < 20; i++) {
      sb.append(ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)]);
    }
    return sb.toString();
  }

  public static String sha256(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /**
   * Whether {@code token} is shaped like a bearer token at all (RFC 6750 token68, at most 256
   * chars).
   */
  public static boolean wellFormed(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }
}
