package org.mgsv.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HadoopFilesTest {
    @Test
    void localNamesAndUris() {
        assertTrue(HadoopFiles.isLocal("clips/a.mp4"));
        assertTrue(HadoopFiles.isLocal("/data/a:b.mp4"));
        assertTrue(HadoopFiles.isLocal("file:///data/a.mp4"));
        assertFalse(HadoopFiles.isLocal("hdfs://nn:8020/clips/a.mp4"));
        assertFalse(HadoopFiles.isLocal("s3a://bucket/a.mp4"));
        assertEquals(Path.of("/data/a.mp4"), HadoopFiles.localPath("file:///data/a.mp4"));
        assertEquals("hdfs://nn/ds/videos.csv", HadoopFiles.resolve("hdfs://nn/ds", "videos.csv"));
        assertEquals("a.mp4", HadoopFiles.fileName("s3a://bucket/x/a.mp4"));
    }
}
