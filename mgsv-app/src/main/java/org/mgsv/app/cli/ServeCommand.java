package org.mgsv.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.mgsv.app.server.DemoMusic;
import org.mgsv.app.server.GroundingServer;
import org.mgsv.core.MgsvException;
import org.mgsv.model.MatmulPrecision;
import org.mgsv.search.CatalogIndexer;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.GroundingService;
import org.mgsv.search.MediaPipeline;
import org.mgsv.search.MediaRenderer;
import org.mgsv.search.catalog.FileCatalogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv serve}: HTTP API and web page. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the grounding web page and JSON API.",
            "",
            "Drop a video on the page, see the top moments with a waveform each, preview every moment in sync with the video, download the rendered result. With no --model/--catalog it starts on the quickstart model (quickstart-out/model) and a demo catalog built once from music found on this machine: the folder in MGSV_DEMO_MUSIC (or -Dmgsv.demoMusic), else the wesnoth-music package (/usr/share/games/wesnoth), else synthesised tones.",
            "",
            "API: GET /api/health, GET /api/tracks, POST /api/ground?top=5&snap=beats (body: video bytes), GET /api/tracks/<id>/audio?start=&end= (WAV), POST /api/render (JSON) -> mp4."
        },
        footer = {
            "",
            "Examples:",
            "  mgsv serve                                   # quickstart model + demo catalog on http://127.0.0.1:8080/",
            "  mgsv serve --model models/made --catalog my-catalog --port 9000",
            "  mgsv serve --model m --catalog c --host 0.0.0.0 --max-upload-mb 100 --workers 2"
        })
public final class ServeCommand extends ModelCommand {
    static final Path QUICKSTART_MODEL = Path.of("quickstart-out", "model");
    static final Path DEMO_CATALOG = Path.of("quickstart-out", "demo-catalog");

    @Option(names = "--model", paramLabel = "<model-dir>", description = "MaDe model directory (default: quickstart-out/model)")
    Path model;

    @Option(names = "--catalog", paramLabel = "<catalog>", description = "catalog (default: a demo catalog in quickstart-out/demo-catalog)")
    Path catalog;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "<port>", description = "TCP port (default 8080; 0 = any free port)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "<address>", description = "bind address (default 127.0.0.1)")
    String host;

    @Option(names = "--max-upload-mb", defaultValue = "200", paramLabel = "<MB>", description = "largest accepted upload (default 200)")
    long maxUploadMb;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "<s>", description = "per-request time limit in seconds (default 120)")
    int timeoutSeconds;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "<n>", description = "requests processed at once (default 2)")
    int workers;

    @Option(names = "--queue", defaultValue = "8", paramLabel = "<n>", description = "requests waiting at most; more get 503 (default 8)")
    int queue;

    @Option(names = "--shortlist", defaultValue = "exact", paramLabel = "exact|int8|hnsw", description = "stage-1 index (default exact)")
    AppOptions.Shortlist shortlist;

    @Option(names = "--demo-tracks", defaultValue = "12", paramLabel = "<n>", description = "tracks in the demo catalog (default 12)")
    int demoTracks;

    @Option(names = "--force", description = "serve although the catalog was built by another model, or the model "
            + "was trained on other features than the encoder's")
    boolean force;

    @Mixin AppOptions opts;

    @Override
    MatmulPrecision.Scope precisionScope() {
        return precision.modelAndEncoders(opts);
    }

    @Override
    Integer run() throws Exception {
        // before loading anything: a bad port or worker count is an error message, not a stack trace later
        GroundingServer.Config config = new GroundingServer.Config(host, port, maxUploadMb << 20,
                Duration.ofSeconds(timeoutSeconds), workers, queue, 32);
        config.validate();
        if (demoTracks < 1) {
            throw new MgsvException("--demo-tracks must be at least 1");
        }
        Path modelDir = model != null ? model : QUICKSTART_MODEL;
        if (!Files.isDirectory(modelDir)) {
            if (model == null) {
                throw new MgsvException("no model given and " + QUICKSTART_MODEL + " does not exist: run './mgsv quickstart' "
                        + "first (it trains a small model), or pass --model <model-dir> --catalog <catalog>");
            }
            throw new MgsvException("--model " + modelDir + ": no such model directory");
        }
        java.io.PrintWriter err = new java.io.PrintWriter(
                new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        if (model != null) {
            ModelChecks.requireEncoderMatches(modelDir, opts, force, err);
        } else {
            // the demo: say loudly what its rankings are worth (the quickstart model learnt synthetic features)
            String space = org.mgsv.model.FeatureSpace.ofModel(modelDir);
            String problem = ModelChecks.encoderMismatch(modelDir, space != null ? space
                    : org.mgsv.model.FeatureSpace.SYNTHETIC, opts);
            if (problem != null) {
                err.println("WARNING: demo only: " + problem + ". The page works end to end, but for real rankings "
                        + "serve a model trained on features of the encoder in use (--model, --catalog).");
            }
        }
        if (catalog != null) {
            ModelChecks.requireCatalogModel(catalog, modelDir, force, err);
        }
        try (GroundingModel m = AppOptions.loadModel(modelDir, opts.threads())) {
            MediaPipeline media = opts.pipeline(m, true, true);
            Path cat = catalog != null ? catalog : DEMO_CATALOG;
            if (catalog == null) {
                buildDemoCatalog(m, media, cat);
            }
            try (FileCatalogStore store = FileCatalogStore.open(cat);
                    GroundingService svc = new GroundingService(store, m, media, new MediaRenderer(),
                            AppOptions.kind(shortlist), opts.threads());
                    GroundingServer server = new GroundingServer(svc, config)) {
                server.start();
                System.out.println("mgsv serving " + store.size() + " tracks with " + m.name() + " on " + server.url());
                System.out.println("press Ctrl+C to stop");
                CountDownLatch done = new CountDownLatch(1);
                // Ctrl+C: stop serving and delete uploads before the JVM exits
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    done.countDown();
                }));
                done.await();
            }
        }
        return 0;
    }

    private void buildDemoCatalog(GroundingModel m, MediaPipeline media, Path cat) throws IOException {
        String modelId = org.mgsv.model.ModelDir.weightsChecksum(model != null ? model : QUICKSTART_MODEL);
        if (Files.isRegularFile(cat.resolve("manifest.json")) && FileCatalogStore.open(cat).size() > 0) {
            Map<String, Object> had = IndexCommand.CatalogInfo.read(cat);
            if (had == null || had.get("source") == null || modelId.equals(had.get(IndexCommand.CatalogInfo.MODEL_ID))) {
                return; // built by this model (or not a demo catalog of ours: left alone)
            }
            // the quickstart model was retrained: the demo catalog's vectors come from the old one
            System.out.println("the model changed since " + cat + " was built: rebuilding it");
            org.mgsv.core.util.AtomicFiles.deleteRecursively(cat);
        }
        DemoMusic.Found found = DemoMusic.find(demoTracks);
        List<Path> files;
        String source;
        if (found != null) {
            files = found.files();
            source = found.source();
        } else {
            System.out.println(DemoMusic.NOT_FOUND + "; using synthesised tones");
            files = DemoMusic.synthesise(cat.resolveSibling("demo-music"), Math.min(demoTracks, 8));
            source = "synthesised tones";
        }
        System.out.println("building the demo catalog " + cat + " from " + files.size() + " tracks (" + source + ")...");
        try (FileCatalogStore store = FileCatalogStore.openOrCreate(cat, m.dim(), m.segmentSlots())) {
            CatalogIndexer.Summary s = new CatalogIndexer(store, m, media, 4, true).indexAll(files,
                    DemoMusic.meta(files), true);
            for (String f : s.failed()) {
                System.err.println("skipped " + f);
            }
        }
        Map<String, Object> info = new java.util.LinkedHashMap<>();
        info.put("model", m.name());
        info.put(IndexCommand.CatalogInfo.MODEL_ID, modelId);
        info.put("segmentEncoder", media.name().substring(media.name().indexOf('/') + 1));
        info.put("source", source);
        IndexCommand.CatalogInfo.write(cat, info);
    }
}
