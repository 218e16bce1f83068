package dev.tuneforge.trainer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The result file's CSV from a job's events: one row per step, in step order, OpenAI's columns. */
class ResultFilesCsvTest {

  static JobEvent metrics(long step, String key, double value) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("step", step);
    data.put(key, value);
    return new JobEvent("e" + step + key, "fine_tuning.job.event", 0, "info", "", "metrics", data);
  }

  static JobEvent message(String text) {
    return new JobEvent("m", "fine_tuning.job.event", 0, "info", text, "message", Map.of());
  }

  @Test
  void stepsInOrderWithTrainAndValidationLossOnTheirRows() {
    String csv =
        ResultFiles.csv(
            List.of(
                message("Created fine-tuning job"),
                metrics(1, "train_loss", 6.5),
                metrics(2, "train_loss", 6.25),
                metrics(2, "valid_loss", 6.4),
                metrics(4, "train_loss", 6.0)));
    assertEquals(ResultFiles.HEADER + "\n" + "1,6.5,,,\n" + "2,6.25,,6.4,\n" + "4,6.0,,,\n", csv);
  }

  @Test
  void aStepReportedAgainAfterAResumeKeepsItsNewestValues() {
    String csv =
        ResultFiles.csv(
            List.of(
                metrics(2, "train_loss", 6.25),
                metrics(4, "train_loss", 6.0),
                metrics(4, "train_loss", 5.5)));
    assertEquals(ResultFiles.HEADER + "\n" + "2,6.25,,,\n" + "4,5.5,,,\n", csv);
  }

  @Test
  void aNonFiniteLossIsAnEmptyCellAndNoMetricsIsOnlyTheHeader() {
    assertEquals(
        ResultFiles.HEADER + "\n" + "1,,,,\n",
        ResultFiles.csv(List.of(metrics(1, "train_loss", Double.NaN))));
    assertEquals(ResultFiles.HEADER + "\n", ResultFiles.csv(List.of(message("x"))));
  }
}
