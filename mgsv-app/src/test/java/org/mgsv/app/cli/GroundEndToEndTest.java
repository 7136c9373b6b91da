package org.mgsv.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.CliRun;
import org.mgsv.app.testutil.Media;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.MadeParams;
import org.mgsv.model.ModelDir;
import org.mgsv.model.Provenance;
import org.mgsv.search.catalog.FileCatalogStore;

/**
 * index → ground → render through the command line on real music (wesnoth-music recordings) and a generated
 * video, with a MaDe model directory at its initialisation and the built-in encoders.
 */
class GroundEndToEndTest {
    @TempDir static Path tmp;
    static Path model;
    static Path music;

    @BeforeAll
    static void setUp() throws Exception {
        Media.assumeFfmpeg();
        List<Path> oggs = Media.wesnothOggs(3);
        Assumptions.assumeTrue(oggs.size() >= 3, "wesnoth-music not installed");
        music = Files.createDirectories(tmp.resolve("music"));
        for (Path p : oggs) {
            Files.copy(p, music.resolve(p.getFileName()));
        }
        model = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelDir.save(model, MadeParams.initialize(MadeConfig.reference(), m, 1), Provenance.of("test", Map.of()));
        }
    }

    @Test
    void indexGroundRender() throws Exception {
        Path catalog = tmp.resolve("catalog");
        Path csv = tmp.resolve("tracks.csv");
        String first = Files.list(music).sorted().findFirst().orElseThrow().getFileName().toString();
        Files.writeString(csv, "file,title,artist,licence\n" + first + ",\"Opening, theme\",Wesnoth,GPL-2.0-or-later\n");
        CliRun idx = CliRun.run("index", "--model", model.toString(), "--music", music.toString(), "--meta",
                csv.toString(), "--out", catalog.toString(), "--threads", "1");
        assertEquals(0, idx.code(), idx.err());
        assertTrue(idx.out().contains("indexed 3 new track(s)"), idx.out());
        FileCatalogStore store = FileCatalogStore.open(catalog);
        assertEquals(3, store.size());
        String firstId = first.substring(0, first.lastIndexOf('.'));
        assertEquals("Opening, theme", store.info(firstId).orElseThrow().title());
        assertTrue(store.info(firstId).orElseThrow().beats().length > 10, "beats tracked at indexing");

        // incremental: nothing new
        CliRun again = CliRun.run("index", "--model", model.toString(), "--music", music.toString(), "--out",
                catalog.toString(), "--threads", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("indexed 0 new track(s), 3 already present"), again.out());

        Path video = Media.video(tmp.resolve("clip.mp4"), 7, 15);
        Path out = tmp.resolve("out.mp4");
        CliRun g = CliRun.run("ground", "--model", model.toString(), "--catalog", catalog.toString(), "--video",
                video.toString(), "--top", "3", "--json", "--snap", "beats", "--render", out.toString(),
                "--original-audio", "duck", "--threads", "1");
        assertEquals(0, g.code(), g.err());
        JsonNode j = new ObjectMapper().readTree(g.out());
        assertEquals(3, j.get("results").size());
        double videoDuration = j.get("videoDuration").asDouble();
        assertEquals(7.0, videoDuration, 0.1);
        for (JsonNode r : j.get("results")) {
            double st = r.get("moment").get("start").asDouble();
            double ed = r.get("moment").get("end").asDouble();
            assertEquals(videoDuration, ed - st, 1e-6);
            assertTrue(st >= 0 && ed <= r.get("trackDuration").asDouble() + 1e-6);
            assertTrue(r.has("raw"));
        }
        // the rendered file plays: video + audio streams, as long as the video
        assertEquals(List.of("video", "audio"), Media.streams(out));
        assertEquals(Media.duration(video), Media.duration(out), 0.1);

        // remove + compact
        CliRun rm = CliRun.run("index", "--model", model.toString(), "--out", catalog.toString(), "--remove", firstId,
                "--compact");
        assertEquals(0, rm.code(), rm.err());
        assertEquals(2, FileCatalogStore.open(catalog).size());
    }

    @Test
    void badAudioFilesAreReportedAndSkipped() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        Path good = Files.list(music).sorted().findFirst().orElseThrow();
        Files.copy(good, dir.resolve(good.getFileName()));
        Files.writeString(dir.resolve("notes.mp3"), "this is text, not audio");
        Path catalog = tmp.resolve("mixed-catalog");
        CliRun r = CliRun.run("index", "--model", model.toString(), "--music", dir.toString(), "--out",
                catalog.toString(), "--threads", "1", "--no-beats");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("notes.mp3"), r.err());
        assertEquals(1, FileCatalogStore.open(catalog).size());
    }

    @Test
    void userErrorsAreClear() {
        CliRun r = CliRun.run("ground", "--model", model.toString(), "--catalog", tmp.resolve("none").toString(),
                "--video", tmp.resolve("none.mp4").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("none.mp4") && r.err().contains("no such file"), "code " + r.code() + " out " + r.out() + " err " + r.err());
        CliRun m = CliRun.run("index", "--model", tmp.resolve("nomodel").toString(), "--music", music.toString(),
                "--out", tmp.resolve("c2").toString());
        assertEquals(1, m.code());
        assertTrue(m.err().contains("nomodel"), m.err());
    }
}
