package org.mgsv.spark;

import java.io.Serializable;

/**
 * One input of a batch job: its kind ("video", "music", "track"), where it is read from (a local path or a Hadoop
 * URI, as the user named it), its id, and optional job-specific fields (metadata).
 */
public record WorkItem(String kind, String source, String id, String[] extra) implements Serializable {
    public WorkItem(String kind, String source, String id) {
        this(kind, source, id, new String[0]);
    }
}
