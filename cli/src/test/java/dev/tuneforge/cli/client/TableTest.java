package dev.tuneforge.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void columnsAlignToTheWidestCellAndTheLastIsNotPadded() throws Exception {
    var json =
        new ObjectMapper().readTree("{\"id\":\"file-abc\",\"bytes\":1234,\"loss\":0.123456}");
    String text =
        new Table("ID", "BYTES", "LOSS", "NOTE")
            .row(json.get("id"), json.get("bytes"), json.get("loss"), "x")
            .row("file-longer-id", NullNode.getInstance(), 2.5, null)
            .render();
    assertEquals(
        "ID              BYTES  LOSS    NOTE\n"
            + "file-abc        1234   0.1235  x\n"
            + "file-longer-id  -      2.5     -\n",
        text);
  }

  @Test
  void numbersAndTimesForPeople() throws Exception {
    assertEquals("3", Table.number(3.0));
    assertEquals("0.5", Table.number(0.5));
    assertEquals("-0.0001", Table.number(-0.00012));
    var m = new ObjectMapper();
    assertEquals("2026-12-01T05:03:27Z", Table.time(m.readTree("1796101407")));
    assertEquals("-", Table.time(m.readTree("null")));
    assertEquals("-", Table.time(null));
  }

  @Test
  void aRowOfTheWrongWidthIsABug() {
    assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
  }
}
