package dev.tuneforge.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hold-out of a dataset without a validation split. */
class HoldOutTest {

  static List<String> records(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("{\"messages\":[{\"role\":\"user\",\"content\":\"" + i + "\"}]}");
    }
    return out;
  }

  @Test
  void tenPercentRoundedUpAndAtLeastOne() {
    assertEquals(1, HoldOut.of(records(2)).validation().size());
    assertEquals(1, HoldOut.of(records(8)).validation().size());
    assertEquals(10, HoldOut.of(records(100)).validation().size());
    assertEquals(11, HoldOut.of(records(101)).validation().size());
    HoldOut.Split s = HoldOut.of(records(101));
    assertEquals(90, s.train().size());
  }

  @Test
  void theSameRecordsAreHeldOutWhateverTheirOrder() {
    List<String> records = records(50);
    List<String> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, new Random(7));
    assertEquals(
        new java.util.HashSet<>(HoldOut.of(records).validation()),
        new java.util.HashSet<>(HoldOut.of(shuffled).validation()));
  }

  @Test
  void oneRecordCannotBeSplit() {
    var e = assertThrows(IllegalArgumentException.class, () -> HoldOut.of(records(1)));
    assertEquals(
        "cannot hold out validation records from 1 training record(s): at least 2 are needed, or"
            + " give a validation_file",
        e.getMessage());
  }
}
