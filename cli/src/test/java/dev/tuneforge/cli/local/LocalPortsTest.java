package dev.tuneforge.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPortsTest {

  @TempDir Path dir;

  @Test
  void defaultsAreTheDocumentedPorts() {
    LocalPorts p = LocalPorts.defaults();
    assertEquals(List.of(9092, 9093, 9000), List.of(p.kafka(), p.controller(), p.s3()));
    assertEquals(8080, p.gateway());
    assertEquals(
        List.of(8081, 8082, 8083, 8084),
        Stream.of("dataset-service", "trainer-service", "evaluator-service", "registry-service")
            .map(p::of)
            .toList());
  }

  @Test
  void freePortsAreDistinctAndNotTheDefaults() {
    LocalPorts p = LocalPorts.free();
    Set<Integer> all =
        Stream.of(
                p.kafka(),
                p.controller(),
                p.s3(),
                p.dataset(),
                p.trainer(),
                p.evaluator(),
                p.registry(),
                p.gateway())
            .collect(Collectors.toSet());
    assertEquals(8, all.size(), "ports repeat: " + p);
    assertFalse(all.contains(8080), p.toString()); // ephemeral range, never the fixed ports
  }

  @Test
  void theFileRoundTripsAndTheGatewayRoutesFollowIt() throws Exception {
    LocalPorts p = new LocalPorts(1, 2, 3, 4, 5, 6, 7, 8);
    Path file = dir.resolve(LocalPorts.FILE);
    p.write(file);
    assertEquals(p, LocalPorts.read(file));
    assertEquals("http://127.0.0.1:8", p.gatewayUrl().toString());
    assertEquals(
        Map.of(
            "TUNEFORGE_DATASET_URL", "http://127.0.0.1:4",
            "TUNEFORGE_TRAINER_URL", "http://127.0.0.1:5",
            "TUNEFORGE_EVALUATOR_URL", "http://127.0.0.1:6",
            "TUNEFORGE_REGISTRY_URL", "http://127.0.0.1:7"),
        p.gatewayRoutes());
  }

  @Test
  void aBadEntryIsNamed() throws Exception {
    Path file = dir.resolve(LocalPorts.FILE);
    LocalPorts.defaults().write(file);
    Files.writeString(file, Files.readString(file).replace("s3=9000", "s3=ninety"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LocalPorts.read(file));
    assertTrue(
        e.getMessage().contains("'s3'") && e.getMessage().contains("ninety"), e.getMessage());

    Files.writeString(file, Files.readString(file).replace("s3=ninety", "s3=70000"));
    e = assertThrows(IllegalStateException.class, () -> LocalPorts.read(file));
    assertTrue(e.getMessage().contains("'s3'") && e.getMessage().contains("70000"), e.getMessage());

    Files.writeString(
        file, Files.readString(file).replace("s3=70000", "s3=9000").replace("gateway=8080\n", ""));
    e = assertThrows(IllegalStateException.class, () -> LocalPorts.read(file));
    assertTrue(e.getMessage().contains("'gateway'"), e.getMessage());
  }

  @Test
  void tuneforgePortsChoosesFreeOrDefaultAndRefusesAnythingElse() {
    assertFalse(LocalMode.freePortsFrom(Map.of()));
    assertFalse(LocalMode.freePortsFrom(Map.of("TUNEFORGE_PORTS", "default")));
    assertTrue(LocalMode.freePortsFrom(Map.of("TUNEFORGE_PORTS", "free")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalMode.freePortsFrom(Map.of("TUNEFORGE_PORTS", "random")));
    assertTrue(e.getMessage().contains("TUNEFORGE_PORTS"), e.getMessage());
  }
}
