package dev.tuneforge.cli.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the platform: {@code --url}/{@code --api-key}, the client, and the
 * command line's own output streams (so tests and the launcher see the same text). A failed request
 * throws {@link ApiError}, which the launcher prints and turns into exit code 1.
 */
public abstract class ApiCommand implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  @Mixin protected ClientOptions connection;

  protected PlatformClient client() {
    return connection.client();
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } finally {
      out().flush();
      err().flush();
    }
  }

  /** The command's work; returns the exit code (0 ok, 1 failed). */
  protected abstract int run() throws Exception;
}
