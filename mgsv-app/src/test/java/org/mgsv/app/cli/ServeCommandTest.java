package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mgsv.app.CliRun;

/** Bad serve options are a one-line error naming the option, before any model is loaded: no stack trace. */
class ServeCommandTest {
    @Test
    void badPortAndWorkerCountsAreClearErrors() {
        String[][] cases = {{"--port", "99999"}, {"--workers", "0"}, {"--queue", "-1"}, {"--timeout", "0"}};
        for (String[] c : cases) {
            CliRun r = CliRun.run("serve", "--model", "no-such-model", c[0], c[1]);
            assertNotEquals(0, r.code(), String.join(" ", c));
            assertTrue(r.err().contains(c[0]), String.join(" ", c) + ": " + r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
    }
}
