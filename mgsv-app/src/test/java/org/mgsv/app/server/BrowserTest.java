package org.mgsv.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.app.testutil.Media;
import org.mgsv.media.audio.BuiltinSegmentEncoder;
import org.mgsv.media.encode.builtin.BuiltinFrameEncoder;
import org.mgsv.search.CatalogIndexer;
import org.mgsv.search.DefaultMediaPipeline;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MediaRenderer;
import org.mgsv.search.Searcher;
import org.mgsv.search.SyntheticGroundingModel;
import org.mgsv.search.catalog.InMemoryCatalogStore;

/**
 * The web page in headless Chromium (Debian's chromium + chromium-driver, over WebDriver): upload a video, see
 * the results with their waveforms, play a candidate in sync with the video. The screenshot is saved as
 * target/browser/page.png.
 */
class BrowserTest {
    @TempDir Path tmp;

    @Test
    void uploadSeeResultsAndPlay() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driverBin = Path.of("/usr/bin/chromedriver");
        Assumptions.assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driverBin),
                "chromium/chromium-driver not installed");
        Media.assumeFfmpeg();
        List<Path> music = Media.wesnothOggs(4);
        if (music.isEmpty()) {
            Path dir = Files.createDirectories(tmp.resolve("music"));
            music = DemoMusic.synthesise(dir, 4);
        }
        // a WebM test pattern: every Chromium build plays VP8
        Path video = tmp.resolve("clip.webm");
        Media.run("ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=640x360:rate=25:duration=8", "-c:v", "libvpx", "-b:v", "800k", video.toString());

        SyntheticGroundingModel model = new SyntheticGroundingModel();
        DefaultMediaPipeline media = new DefaultMediaPipeline(new BuiltinFrameEncoder(), new BuiltinSegmentEncoder(),
                50, 1, null);
        InMemoryCatalogStore store = new InMemoryCatalogStore(256, 96);
        new CatalogIndexer(store, model, media, 8, false).indexAll(music, DemoMusic.meta(music), false);
        Path artifacts = Files.createDirectories(Path.of("target", "browser"));
        try (GroundingService svc = new GroundingService(store, model, media, new MediaRenderer(), Searcher.Kind.EXACT, 1);
                GroundingServer server = new GroundingServer(svc, GroundingServer.Config.defaults(0)).start();
                WebDriver wd = new WebDriver(driverBin.toString(), chromium.toString(), tmp.resolve("profile"),
                        artifacts.resolve("chromedriver.log").toAbsolutePath())) {
            wd.open(server.url());
            assertTrue(wd.waitFor("return document.getElementById('status').textContent.indexOf('tracks') >= 0",
                    Duration.ofSeconds(20)), "page talks to the API");
            wd.sendKeys(wd.find("#file"), video.toAbsolutePath().toString());
            boolean results = wd.waitFor("return document.querySelectorAll('#results .card').length >= 3",
                    Duration.ofSeconds(120));
            String err = wd.script("return document.getElementById('error').textContent").asText();
            assertTrue(results, "results shown; page error: " + err);
            assertEquals(Math.min(5, music.size()), wd.script("return document.querySelectorAll('#results .card').length").asInt());
            assertTrue(wd.waitFor("return Array.from(document.querySelectorAll('canvas.wave')).every(c => c.dataset.drawn === 'true')",
                    Duration.ofSeconds(60)), "every waveform strip drawn from the track audio");

            wd.click(wd.find("#results .card:nth-child(2) .play"));
            boolean playing = wd.waitFor("const a = document.getElementById('audio'), v = document.getElementById('video');"
                    + "return !a.paused && !v.paused && a.currentTime > 0.8 && v.currentTime > 0.8", Duration.ofSeconds(30));
            JsonNode st = wd.script("const a = document.getElementById('audio'), v = document.getElementById('video');"
                    + "return {a: a.currentTime, v: v.currentTime, src: a.src, card: document.querySelector('.card.playing').dataset.index,"
                    + " err: document.getElementById('error').textContent}");
            // render the best moment and get the download link
            wd.click(wd.find("#results .card:nth-child(1) .render"));
            boolean rendered = wd.waitFor("return document.querySelector('#results .card:nth-child(1) a.download') !== null",
                    Duration.ofSeconds(120));
            String renderErr = wd.script("return document.getElementById('error').textContent").asText();
            Files.write(artifacts.resolve("page.png"), wd.screenshot());
            assertTrue(rendered, "rendered mp4 offered for download; page error: " + renderErr);
            assertTrue(wd.script("return document.querySelector('#results .card:nth-child(1) a.download').href")
                    .asText().startsWith("blob:"));
            assertTrue(playing, "video and candidate music play: " + st);
            assertEquals("1", st.get("card").asText());
            assertTrue(Math.abs(st.get("a").asDouble() - st.get("v").asDouble()) < 0.5, "music in sync with video: " + st);
            assertTrue(st.get("src").asText().contains("/api/tracks/"), st.toString());
        }
    }
}
