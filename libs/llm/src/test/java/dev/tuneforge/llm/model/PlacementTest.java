package dev.tuneforge.llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class PlacementTest {
  @Test
  void parsesDeviceNames() {
    assertEquals(Device.cpu(), Placement.parse("cpu"));
    assertEquals(Device.gpu(), Placement.parse("GPU"));
    assertEquals(Device.gpu(1), Placement.parse("cuda:1"));
    assertEquals(Device.gpu(0), Placement.parse("gpu:0"));
  }

  @Test
  void aBadDeviceNameNamesTheSetting() {
    for (String bad : new String[] {"tpu", "gpu:", "gpu:x", "gpu:-1", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Placement.parse(bad), bad);
      assertTrue(e.getMessage().contains("TUNEFORGE_DEVICE"), e.getMessage());
    }
  }

  @Test
  void withoutASettingModelsLoadOnTheEnginesDefaultDevice() {
    if (System.getProperty("tuneforge.device") == null
        && System.getenv("TUNEFORGE_DEVICE") == null) {
      assertEquals(ai.djl.engine.Engine.getInstance().defaultDevice(), Placement.device());
    }
  }
}
