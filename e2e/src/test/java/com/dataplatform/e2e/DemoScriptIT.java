package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The demo script the README points newcomers to, run as they would run it, against the stack the flows used
 * (with its URLs passed through the environment): it must walk all four flows and exit 0.
 */
@Order(200)
class DemoScriptIT {

    @Test
    void the_demo_walks_all_four_flows_against_the_running_stack_and_exits_zero() throws Exception {
        Stack stack = Stack.get();
        Path script = Path.of("..", "demo", "demo.sh").toAbsolutePath().normalize();
        assertThat(script).exists();
        Path output = Files.createTempFile("demo", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = pb.environment();
        env.put("ISSUER", stack.issuer());
        env.put("CI_DEPLOY", stack.url(Stack.CI_DEPLOY));
        env.put("DISTRIBUTOR", stack.url(Stack.DISTRIBUTOR));
        env.put("CALENDAR", stack.url(Stack.CALENDAR));
        env.put("EXTRACT", stack.url(Stack.EXTRACT));
        env.put("DATAFLOW", stack.url(Stack.DATAFLOW));
        env.put("ANALYTICS", stack.url(Stack.ANALYTICS));
        env.put("CALDAV", "http://127.0.0.1:" + stack.radicale().port());
        env.put("ORG", "demo");
        Process p = pb.start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        String log = Files.readString(output);
        System.out.println(log);
        assertThat(finished).as("demo still running after 10 minutes:\n" + log).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("Flow 1", "Flow 2", "Flow 3", "Flow 4", "All four flows happened as described.")
                .doesNotContain("FAILED");
    }
}
