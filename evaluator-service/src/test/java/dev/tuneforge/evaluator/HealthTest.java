package dev.tuneforge.evaluator;

import dev.tuneforge.testing.RealStackResource;
import dev.tuneforge.testing.ServiceHealthContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Tag;

@Tag("quarkus") // own JVM: see the surefire executions in pom.xml
@QuarkusTest
@WithTestResource(RealStackResource.class)
class HealthTest extends ServiceHealthContract {}
