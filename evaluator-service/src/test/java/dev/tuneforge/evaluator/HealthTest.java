package dev.tuneforge.evaluator;

import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.ServiceHealthContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealStackResource.class)
class HealthTest extends ServiceHealthContract {}
