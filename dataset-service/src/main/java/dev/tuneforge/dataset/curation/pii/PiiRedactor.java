package dev.tuneforge.dataset.curation.pii;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds emails, phone numbers, IPv4/IPv6 addresses, payment card numbers (Luhn-checked), API keys
 * and private-key blocks, and replaces each by its placeholder.
 *
 * <p>Speed: regexes are the cost of PII scanning, and almost every text contains none of these, so
 * each detector first runs a cheap prefilter on facts gathered in one pass over the text (enough
 * digits for a phone or card, an {@code @}, two colons, a key prefix) and only then its regex.
 * Kinds run in a fixed order, each on the previous one's output: secrets before emails (a key can
 * contain {@code @}), cards before phones (a card is a long digit run), IPv6 before IPv4 (an IPv6
 * address may end with an IPv4 one); placeholders contain no digits, so later kinds never re-match
 * them.
 *
 * <p>False positives are possible (a version string like 1.2.3.4 is an IPv4 address in form) and
 * preferred over leaking; numbers without a separator or {@code +} are not phones, to spare IDs and
 * timestamps. Thread-safe: the patterns are immutable and matchers are per call.
 */
public final class PiiRedactor {

  private static final Pattern PRIVATE_KEY =
      Pattern.compile(
          "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|.*)",
          Pattern.DOTALL);
  private static final Pattern SECRET =
      Pattern.compile(
          "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b" // AWS access key id
              + "|\\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}" // OpenAI / Anthropic
              + "|\\bgh[pousr]_[A-Za-z0-9]{36,}\\b" // GitHub tokens
              + "|\\bgithub_pat_[A-Za-z0-9_]{22,}" // GitHub fine-grained tokens
              + "|\\bxox[abposr]-[A-Za-z0-9-]{10,}" // Slack
              + "|\\bAIza[0-9A-Za-z_-]{35}"); // Google API key
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,}");
  private static final Pattern CARD = Pattern.compile("(?<![\\d-])(?:\\d[ -]?){12,18}\\d(?!\\d)");
  private static final Pattern IPV6 =
      Pattern.compile(
          "(?<![\\w:.%])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]{1,4})?"
              + "(?:%[0-9A-Za-z]+)?(?![\\w:])");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
              + "(?!\\w|\\.\\d)");
  private static final Pattern PHONE =
      Pattern.compile(
          "(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]\\d{2,8}){1,4}(?!\\w)"
              + "|\\+\\d{8,15}(?!\\w)");

  /**
   * Literal starts of the SECRET alternatives; plain "gh" would send most English text to the
   * regex.
   */
  private static final String[] SECRET_PREFIXES = {
    "AKIA", "ASIA", "sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AIza"
  };

  /**
   * Returns the text with every finding replaced, adding to {@code findings}; the very same
   * instance when nothing was found, so callers can test with {@code ==}.
   */
  public String redact(String text, PiiFindings findings) {
    Facts facts = Facts.of(text);
    String out = text;
    if (facts.dashes >= 10 && out.contains("-----BEGIN")) {
      out = replace(out, PRIVATE_KEY, PiiKind.PRIVATE_KEY, findings);
    }
    if (mayHoldSecret(out)) {
      out = replace(out, SECRET, PiiKind.SECRET, findings);
    }
    if (facts.at) {
      out = replace(out, EMAIL, PiiKind.EMAIL, findings);
    }
    if (facts.digits >= 13) {
      out = replace(out, CARD, PiiKind.CREDIT_CARD, findings);
    }
    if (facts.colons >= 2) {
      out = replace(out, IPV6, PiiKind.IPV6, findings);
    }
    if (facts.digits >= 4 && facts.dots >= 3) {
      out = replace(out, IPV4, PiiKind.IPV4, findings);
    }
    if (facts.digits >= 8) {
      out = replace(out, PHONE, PiiKind.PHONE, findings);
    }
    return out;
  }

  private static boolean mayHoldSecret(String text) {
    for (String prefix : SECRET_PREFIXES) {
      if (text.contains(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static String replace(String text, Pattern pattern, PiiKind kind, PiiFindings findings) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String match = m.group();
      if (!confirm(kind, match)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, last, m.start()).append(kind.placeholder());
      last = m.end();
      findings.add(kind);
    }
    if (out == null) {
      return text;
    }
    return out.append(text, last, text.length()).toString();
  }

  /** The checks a regex cannot express. */
  private static boolean confirm(PiiKind kind, String match) {
    return switch (kind) {
      case CREDIT_CARD -> {
        int digits = countDigits(match);
        yield digits >= 13 && digits <= 19 && Luhn.valid(match);
      }
      case IPV6 -> Ipv6.valid(match);
      case PHONE -> {
        int digits = countDigits(match);
        // With a country code 8 digits can be a full number; without, require a long one.
        yield match.startsWith("+") ? digits >= 8 && digits <= 15 : digits >= 10 && digits <= 15;
      }
      default -> true;
    };
  }

  private static int countDigits(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        n++;
      }
    }
    return n;
  }

  /** What one pass over the text tells the prefilters. */
  private record Facts(int digits, int colons, int dots, int dashes, boolean at) {
    static Facts of(String text) {
      int digits = 0;
      int colons = 0;
      int dots = 0;
      int dashes = 0;
      boolean at = false;
      for (int i = 0, n = text.length(); i < n; i++) {
        char c = text.charAt(i);
        if (c >= '0' && c <= '9') {
          digits++;
        } else if (c == ':') {
          colons++;
        } else if (c == '.') {
          dots++;
        } else if (c == '-') {
          dashes++;
        } else if (c == '@') {
          at = true;
        }
      }
      return new Facts(digits, colons, dots, dashes, at);
    }
  }
}
