package dev.tuneforge.dataset.curation.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiRedactorTest {

  private final PiiRedactor redactor = new PiiRedactor();
  private final PiiFindings findings = new PiiFindings();

  private String redact(String text) {
    findings.reset();
    return redactor.redact(text, findings);
  }

  @Test
  void textWithoutPiiIsReturnedAsTheSameInstance() {
    String text = "The meeting is at 10:30 on 2024-03-15; version 2.1 shipped.";
    assertSame(text, redact(text));
    assertEquals(0, findings.total());
  }

  @Test
  void redactsEmails() {
    assertEquals(
        "write to [EMAIL] or [EMAIL].",
        redact("write to jane.doe+ml@example.co.uk or a_b@mail.example.org."));
    assertEquals(2, findings.count(PiiKind.EMAIL));
  }

  @Test
  void redactsLuhnValidCardNumbersOnly() {
    assertEquals("card [CREDIT_CARD] ok", redact("card 4111 1111 1111 1111 ok"));
    assertEquals("card [CREDIT_CARD]", redact("card 5500-0000-0000-0004"));
    String invalid = "order 4111 1111 1111 1112 shipped";
    assertSame(invalid, redact(invalid));
  }

  @Test
  void redactsPhoneNumbersWithSeparatorsOrCountryCode() {
    assertEquals("call [PHONE] now", redact("call +1 415-555-0132 now"));
    assertEquals("call [PHONE]", redact("call (415) 555-0132"));
    assertEquals("ruf [PHONE] an", redact("ruf +49 30 12345678 an"));
    assertEquals("sms [PHONE]", redact("sms +447911123456"));
    assertEquals(PiiKind.PHONE, findings.asMap().keySet().iterator().next());
  }

  @ParameterizedTest
  @ValueSource(strings = {"id 1700000000 done", "on 2024-03-15", "pi is 3.14159265", "555-1234"})
  void leavesIdsTimestampsAndDatesAlone(String text) {
    assertSame(text, redact(text));
  }

  @Test
  void redactsIpv4() {
    assertEquals("from [IP_ADDRESS] and [IP_ADDRESS].", redact("from 192.168.1.20 and 8.8.8.8."));
    assertEquals(2, findings.count(PiiKind.IPV4));
    String notAnIp = "value 999.1.1.1 is out of range";
    assertSame(notAnIp, redact(notAnIp));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", // full
        "2001:db8::8a2e:370:7334", // compressed
        "::1", // loopback
        "fe80::1%eth0", // link-local with zone
        "::ffff:192.0.2.128", // IPv4-mapped
        "2001:db8::" // trailing compression
      })
  void redactsIpv6Forms(String address) {
    assertEquals("host [IP_ADDRESS] up", redact("host " + address + " up"));
    assertEquals(1, findings.count(PiiKind.IPV6));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "at 12:30:45 sharp",
        "mac 00:1A:2B:3C:4D:5E",
        "std::vector<int>",
        "1:2:3:4:5:6:7:8:9"
      })
  void leavesTimesMacsAndCodeAlone(String text) {
    assertSame(text, redact(text));
  }

  @Test
  void redactsApiKeys() {
    assertEquals("aws [SECRET]", redact("aws AKIAIOSFODNN7EXAMPLE"));
    assertEquals("key=[SECRET]", redact("key=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"));
    assertEquals("token [SECRET]", redact("token ghp_" + "a1B2c3D4e5".repeat(4)));
    assertEquals("slack [SECRET]", redact("slack xoxb-1234567890-abcdefghij"));
    assertEquals(1, findings.count(PiiKind.SECRET));
  }

  @Test
  void wordsThatMerelyContainKeyPrefixesAreKept() {
    String text = "the task-force met; ghost_writer and xoxo are fine";
    assertSame(text, redact(text));
  }

  @Test
  void redactsPrivateKeyBlocksIncludingUnterminatedOnes() {
    String key =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----";
    assertEquals("key: [PRIVATE_KEY] end", redact("key: " + key + " end"));
    assertEquals(
        "key: [PRIVATE_KEY]", redact("key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk"));
  }

  @Test
  void findingsOfSeveralKindsAreCountedAndDescribed() {
    String out = redact("mail bob@example.com from 10.0.0.1, card 4111111111111111");
    assertEquals("mail [EMAIL] from [IP_ADDRESS], card [CREDIT_CARD]", out);
    assertEquals(3, findings.total());
    assertEquals("email x1, credit_card x1, ipv4 x1", findings.describe());
  }
}
