package dev.tuneforge.dataset.curation.pii;

/**
 * Checks an IPv6 candidate the regex found, because a regex loose enough for every IPv6 form (full,
 * {@code ::}-compressed, IPv4-embedded, with a zone) also matches times and MAC addresses: at most
 * one {@code ::}, groups of 1 to 4 hex digits, exactly 8 groups without {@code ::} and fewer with
 * it, an embedded IPv4 counting as two groups.
 */
public final class Ipv6 {

  private Ipv6() {}

  public static boolean valid(String candidate) {
    String s = candidate;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    int compressed = s.indexOf("::");
    if (compressed >= 0 && s.indexOf("::", compressed + 1) >= 0) {
      return false;
    }
    if (compressed < 0) {
      return groups(s) == 8;
    }
    String head = s.substring(0, compressed);
    if (head.indexOf('.') >= 0) {
      return false; // an embedded IPv4 may only end the address
    }
    String tail = s.substring(compressed + 2);
    int h = head.isEmpty() ? 0 : groups(head);
    int t = tail.isEmpty() ? 0 : groups(tail);
    return h >= 0 && t >= 0 && h + t <= 7;
  }

  /** Number of groups in a colon-separated run, or -1 when one is malformed. */
  private static int groups(String s) {
    String[] parts = s.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i == parts.length - 1 && part.indexOf('.') >= 0) {
        if (!ipv4(part)) {
          return -1;
        }
        count += 2;
      } else if (part.isEmpty() || part.length() > 4 || !hex(part)) {
        return -1;
      } else {
        count++;
      }
    }
    return count;
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
