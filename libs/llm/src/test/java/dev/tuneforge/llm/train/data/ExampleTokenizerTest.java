package dev.tuneforge.llm.train.data;

import static dev.tuneforge.llm.train.data.CharFixtures.CHATML;
import static dev.tuneforge.llm.train.data.CharFixtures.ENCODER;
import static dev.tuneforge.llm.train.data.CharFixtures.EOS;
import static dev.tuneforge.llm.train.data.CharFixtures.decode;
import static dev.tuneforge.llm.train.data.CharFixtures.targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleTokenizerTest {

  private static ExampleTokenizer tokenizer(int seqLen, boolean trainOnInputs) {
    return new ExampleTokenizer(
        ENCODER, CHATML, new TokenizationConfig(seqLen, trainOnInputs, EOS));
  }

  @Test
  void textTargetsEveryTokenAfterTheFirstAndEndsWithEos() {
    TokenizedExample e = tokenizer(100, false).tokenize(new Example.Text("abc"));
    assertEquals("^abc$", decode(e.inputIds()));
    assertEquals("_abc$", targets(e));
    assertEquals(4, e.targetCount());
  }

  @Test
  void promptCompletionTargetsOnlyTheCompletionAndEos() {
    TokenizedExample e =
        tokenizer(100, false).tokenize(new Example.PromptCompletion("Q:1+1 A:", "2"));
    assertEquals("^Q:1+1 A:2$", decode(e.inputIds()));
    assertEquals("_________2$", targets(e));
  }

  @Test
  void trainOnInputsKeepsThePrompt() {
    TokenizedExample e = tokenizer(100, true).tokenize(new Example.PromptCompletion("Q:", "2"));
    assertEquals("_Q:2$", targets(e), "only the first token, which nothing predicts, is masked");
  }

  @Test
  void chatTargetsExactlyTheAssistantTurnsAndTheirEndMarkers() {
    TokenizedExample e =
        tokenizer(200, false).tokenize(new Example.Chat(CharFixtures.conversation()));
    String text = "<s>[system]be brief|[user]hi|[assistant]hello|[user]2+2?|[assistant]4|";
    assertEquals(text, decode(e.inputIds()), "ids are the full render");
    String want = text.replaceAll(".", "_");
    int first = text.indexOf("hello|");
    int second = text.lastIndexOf("4|");
    want = want.substring(0, first) + "hello|" + want.substring(first + 6, second) + "4|";
    assertEquals(want, targets(e));
  }

  @Test
  void weightZeroMutesAnAssistantTurnEvenWithTrainOnInputs() {
    List<ChatTurn> turns =
        List.of(
            new ChatTurn("user", "hi"),
            new ChatTurn("assistant", "bad", 0),
            new ChatTurn("user", "again"),
            new ChatTurn("assistant", "good", 1));
    String text = "<s>[user]hi|[assistant]bad|[user]again|[assistant]good|";
    TokenizedExample masked = tokenizer(200, false).tokenize(new Example.Chat(turns));
    String t = targets(masked);
    assertEquals(text.length(), t.length());
    assertEquals("good|", t.replace("_", ""));
    TokenizedExample inputs = tokenizer(200, true).tokenize(new Example.Chat(turns));
    String ti = targets(inputs);
    int bad = text.indexOf("bad|");
    assertEquals("____", ti.substring(bad, bad + 4), "the muted turn stays masked");
    assertEquals("[user]again|[assistant]good|", ti.substring(text.indexOf("[user]again")));
    assertEquals(
        "[assistant]",
        ti.substring(bad - 11, bad),
        "the generation prompt is context, trained on inputs");
  }

  @Test
  void templateThatIsNotPrefixStableIsRejectedNamingTheMessage() {
    // renders the last assistant turn differently from earlier ones, as reasoning-stripping
    // templates do
    TemplateRenderer unstable =
        (messages, gen) -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < messages.size(); i++) {
            ChatTurn m = messages.get(i);
            boolean last = i == messages.size() - 1;
            sb.append(m.role())
                .append(':')
                .append(m.isAssistant() && !last ? "…" : m.content())
                .append('\n');
          }
          return gen ? sb + "assistant:" : sb.toString();
        };
    ExampleTokenizer tok =
        new ExampleTokenizer(ENCODER, unstable, new TokenizationConfig(100, false, EOS));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> tok.tokenize(new Example.Chat(CharFixtures.conversation())));
    assertTrue(e.getMessage().contains("message 3"), e.getMessage());
  }

  @Test
  void truncationCutsAtSequenceLenAndSaysSo() {
    TokenizedExample e = tokenizer(6, false).tokenize(new Example.PromptCompletion("abc", "defgh"));
    assertEquals("^abcde", decode(e.inputIds()));
    assertEquals("____de", targets(e));
    assertTrue(e.truncated());
    assertFalse(tokenizer(100, false).tokenize(new Example.Text("abc")).truncated());
  }

  @Test
  void invalidMessagesAreErrorsNamingTheField() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new ChatTurn("assistant", "x", 2))
            .getMessage()
            .contains("weight"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new ChatTurn("user", "x", 1))
            .getMessage()
            .contains("weight"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new TokenizationConfig(1, false, 2))
            .getMessage()
            .contains("sequence_len"));
  }
}
