package dev.tuneforge.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.client.ProgressBar;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Job events in the trainer's {@code fine_tuning.job.event} shape (see trainer-service's {@code
 * JobEvent}): metrics events move the bar, the others print as lines.
 */
class JobWatchTest {

  @Test
  void metricsMoveTheBarAndMessagesPrintAsLines() throws Exception {
    var json = new ObjectMapper();
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), false);
    double[] loss = {Double.NaN, Double.NaN};
    long[] steps = {0};
    for (String e :
        new String[] {
          "{\"id\":\"ftevent-1\",\"object\":\"fine_tuning.job.event\",\"created_at\":1,"
              + "\"level\":\"info\",\"message\":\"Fine-tuning job started\",\"type\":\"message\","
              + "\"data\":{}}",
          "{\"id\":\"ftevent-2\",\"object\":\"fine_tuning.job.event\",\"created_at\":2,"
              + "\"level\":\"info\",\"message\":\"Step 5/10: training loss=2.5000\","
              + "\"type\":\"metrics\",\"data\":{\"step\":5,\"total_steps\":10,\"epoch\":1,"
              + "\"train_loss\":2.5,\"learning_rate\":0.001,\"grad_norm\":1.0,"
              + "\"tokens_per_second\":812.4,\"eta_seconds\":75.0}}",
          "{\"id\":\"ftevent-3\",\"object\":\"fine_tuning.job.event\",\"created_at\":3,"
              + "\"level\":\"info\",\"message\":\"Step 10/10: training loss=0.7500\","
              + "\"type\":\"metrics\",\"data\":{\"step\":10,\"total_steps\":10,\"epoch\":2,"
              + "\"train_loss\":0.75,\"learning_rate\":0.0,\"grad_norm\":0.5,"
              + "\"tokens_per_second\":820.0,\"eta_seconds\":0.0}}",
          "{\"id\":\"ftevent-4\",\"object\":\"fine_tuning.job.event\",\"created_at\":4,"
              + "\"level\":\"error\",\"message\":\"The job failed: disk full\",\"type\":\"message\","
              + "\"data\":{}}"
        }) {
      JobWatch.show(json.readTree(e), bar, loss, steps);
    }
    bar.finish();
    assertEquals(2.5, loss[0]);
    assertEquals(0.75, loss[1]);
    assertEquals(10, steps[0]);
    assertEquals(
        "  Fine-tuning job started\n"
            + "  [###############...............] step 5/10  loss 2.5000  812 tok/s  ETA 1m15s\n"
            + "  [##############################] step 10/10  loss 0.7500  820 tok/s  ETA 0s\n"
            + "  error: The job failed: disk full\n",
        text.toString());
  }
}
