package dev.tuneforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help shows an example; usage errors exit with 2 before any request. */
class HelpTest {

  /** Every command under {@code tuneforge}, by its full name. */
  private static Map<String, CommandLine> all() {
    Map<String, CommandLine> found = new java.util.TreeMap<>();
    List<CommandLine> todo = new ArrayList<>(List.of(new CommandLine(new TuneForge())));
    while (!todo.isEmpty()) {
      CommandLine c = todo.remove(0);
      found.put(c.getCommandSpec().qualifiedName(), c);
      todo.addAll(c.getSubcommands().values());
    }
    return found;
  }

  @Test
  void everyCommandsHelpHasAnExample() {
    List<String> without = new ArrayList<>();
    all()
        .forEach(
            (name, c) -> {
              Object user = c.getCommandSpec().userObject();
              // `help` is picocli's; up/down/status/stack belong to the local-mode package
              boolean exempt =
                  user instanceof CommandLine.HelpCommand
                      || user.getClass().getPackageName().equals("dev.tuneforge.cli.local");
              if (!exempt && !c.getUsageMessage().contains("Example")) {
                without.add(name);
              }
            });
    assertEquals(List.of(), without, "commands whose --help shows no example");
  }

  @Test
  void everyCommandAnswersHelpWithItsUsage() {
    // as a user types it: `tuneforge <command> --help`, whatever the command requires otherwise
    List<String> failed = new ArrayList<>();
    all()
        .forEach(
            (name, c) -> {
              if (c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                return;
              }
              List<String> args = new ArrayList<>(List.of(name.split(" ")));
              args.remove(0); // "tuneforge"
              args.add("--help");
              Cli r = Cli.run(args.toArray(String[]::new));
              if (r.code() != 0 || !r.out().startsWith("Usage: " + name)) {
                failed.add(name + ": " + r);
              }
            });
    assertEquals(List.of(), failed, "commands whose --help does not print their usage");
  }

  @Test
  void theClientCommandsAreAllThere() {
    var names = all().keySet();
    for (String c :
        List.of(
            "files upload",
            "files list",
            "files show",
            "files delete",
            "datasets create",
            "datasets list",
            "datasets show",
            "datasets preview",
            "jobs create",
            "jobs list",
            "jobs show",
            "jobs events",
            "jobs cancel",
            "jobs watch",
            "evals list",
            "evals show",
            "evals run",
            "suites create",
            "suites list",
            "suites show",
            "models list",
            "models import",
            "adapters list",
            "adapters show",
            "adapters promote",
            "adapters archive",
            "adapters download",
            "adapters export",
            "chat",
            "keys create",
            "keys list",
            "keys revoke")) {
      assertTrue(names.contains("tuneforge " + c), "missing: tuneforge " + c);
    }
  }

  @Test
  void usageErrorsExitWith2AndSendNothing() {
    // a URL nothing listens on: a request would be exit 1 "not reachable", not 2
    String[][] cases = {
      {"files"},
      {"files", "show"},
      {"files", "list", "--output", "xml"},
      {"jobs", "create", "--model", "m"},
      {"adapters", "promote", "a", "1"},
      {"datasets", "preview", "no-version"},
    };
    for (String[] args : cases) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--url", "http://127.0.0.1:9", "--api-key", "k"));
      Cli r = Cli.run(all.toArray(String[]::new));
      assertEquals(2, r.code(), String.join(" ", args) + "\n" + r);
      assertTrue(!r.err().contains("not reachable"), r.toString());
    }
    Cli r = Cli.run("jobs", "create", "--model", "m", "--url", "http://127.0.0.1:9");
    assertTrue(
        r.err().contains("no training_file: give --training-file or set it in the job file (-f)"),
        r.toString());
  }
}
