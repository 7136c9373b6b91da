package org.mgsv.spark;

import java.io.Serializable;

/** How one item ended: committed, or failed with a reason (the rejects table lists these). */
public record Outcome(WorkItem item, boolean ok, String reason) implements Serializable {
    static Outcome ok(WorkItem item) {
        return new Outcome(item, true, "");
    }

    static Outcome failed(WorkItem item, String reason) {
        return new Outcome(item, false, reason);
    }
}
