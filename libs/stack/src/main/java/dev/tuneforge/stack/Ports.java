package dev.tuneforge.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks, so a taken port is reported by name instead of as a bind stack trace. */
public final class Ports {
  private Ports() {}

  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Fails with a message naming the port and what wanted it. */
  public static void requireFree(int port, String what) {
    if (!isFree(port)) {
      throw new IllegalStateException(
          "port "
              + port
              + " on 127.0.0.1 ("
              + what
              + ") is already in use: stop what holds it"
              + " (e.g. `ss -ltnp 'sport = :"
              + port
              + "'`) or choose another port");
    }
  }
}
