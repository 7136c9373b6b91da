package org.mgsv.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.Json;
import org.mgsv.search.CatalogIndexer;
import org.mgsv.search.GroundingModel;
import org.mgsv.search.MediaPipeline;
import org.mgsv.search.catalog.FileCatalogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mgsv index}: build or update a catalog of music tracks. */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description = {
            "Index music tracks into a catalog for grounding.",
            "",
            "Decodes each track, computes its 96 AST windows and segment features, runs the model's music tower and stores segment tokens, pooled embedding h0, duration, beats and metadata. Incremental (tracks already in the catalog are skipped) and crash-safe (a killed run keeps every committed track). Unreadable files and folders are reported and skipped; the exit code is 2 when any failed. Ids are file names without the extension, as in extract (Unicode kept, in NFC), or the --meta id; two files with one id are reported, not merged."
        },
        footer = {
            "",
            "Metadata CSV (--meta): header 'file,id,title,artist,licence' (file = audio file name; other columns "
            + "optional). Without it the id and title come from the file name.",
            "",
            "Examples:",
            "  mgsv index --model quickstart-out/model --music ~/music --out my-catalog",
            "  mgsv index --model models/made --music ~/music --meta tracks.csv --out my-catalog",
            "  mgsv index --model models/made --engine spark --master 'local[4]' --music ~/music --out my-catalog",
            "  mgsv index --model models/made --encoder onnx --ast ast.onnx --music ~/music --out my-catalog",
            "  mgsv index --model models/made --out my-catalog --remove old-track-id --compact"
        })
public final class IndexCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<model-dir>", description = "MaDe model directory")
    Path model;

    @Option(names = "--music", paramLabel = "<dir|file>", description = "audio files to add (ogg, mp3, wav, flac, m4a, opus)")
    Path music;

    @Option(names = "--meta", paramLabel = "<tracks.csv>", description = "track metadata (title, artist, licence)")
    Path meta;

    @Option(names = "--out", required = true, paramLabel = "<catalog>", description = "catalog directory (created when absent)")
    Path out;

    @Option(names = "--remove", paramLabel = "<id>", description = "remove a track by id (repeatable)")
    List<String> remove = new ArrayList<>();

    @Option(names = "--compact", description = "rewrite the catalog without removed/replaced tracks")
    boolean compact;

    @Option(names = "--no-beats", description = "skip beat tracking (then --snap beats computes beats at query time)")
    boolean noBeats;

    @Option(names = "--commit-every", paramLabel = "<n>", defaultValue = "16", description = "commit after this many tracks (default 16)")
    int commitEvery;

    @Mixin EngineOptions engine;

    @Option(names = "--force", description = "index although the catalog was built by another model, or the model "
            + "was trained on other features than the encoder's")
    boolean force;

    @Mixin AppOptions opts;

    @Mixin PrecisionOption precision;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (music == null && remove.isEmpty() && !compact) {
            throw new MgsvException("nothing to do: give --music, --remove or --compact");
        }
        if (meta != null && !Files.isRegularFile(meta)) {
            throw new MgsvException("--meta " + meta + ": no such file");
        }
        boolean spark = engine.spark();
        opts.encoderPrecision = precision.encoders();
        if (opts.encoder == AppOptions.Encoder.onnx && music != null) {
            System.out.println(precision.explain());
        }
        java.io.PrintWriter err = spec.commandLine().getErr();
        ModelChecks.requireEncoderMatches(model, opts, force, err);
        ModelChecks.requireCatalogModel(out, model, force, err);
        int sparkCode = 0;
        if (spark && music != null) {
            precision.requireFp32ForSpark();
            // the tracks are added by the Spark job; removals and compaction below run here as usual
            if (opts.encoder == AppOptions.Encoder.onnx && opts.ast == null) {
                throw new MgsvException("--encoder onnx needs --ast <ast.onnx> to encode music");
            }
            sparkCode = DistributedEngine.load("spark").index(engine.master, new DistributedEngine.IndexJob(model.toString(),
                    List.copyOf(spec.findOption("--music").originalStringValues()), meta == null ? null : meta.toString(),
                    out.toString(), opts.encoder.name(), opts.ast == null ? null : opts.ast.toString(), !noBeats,
                    opts.threads.orElse(1)));
            music = null;
            try (GroundingModel m = AppOptions.loadModel(model, 1)) {
                writeInfo(m, opts.pipeline(m, false, true));
            }
            if (remove.isEmpty() && !compact) {
                return sparkCode;
            }
        }
        try (GroundingModel m = AppOptions.loadModel(model, opts.threads());
                FileCatalogStore store = FileCatalogStore.openOrCreate(out, m.dim(), m.segmentSlots())) {
            checkInfo(m);
            for (String id : remove) {
                if (store.remove(id)) {
                    System.out.println("removed " + id);
                } else {
                    spec.commandLine().getErr().println("warning: no track '" + id + "' in " + out);
                }
            }
            store.commit();
            int code = 0;
            if (music != null) {
                List<String> unlisted = new ArrayList<>();
                List<Path> files = ExtractCommand.list(music, MediaFiles.AUDIO_EXTENSIONS, unlisted);
                Map<String, CatalogIndexer.Meta> md = meta == null ? Map.of() : CatalogIndexer.readMeta(meta);
                MediaPipeline media = opts.pipeline(m, false, true);
                CatalogIndexer.Summary s = new CatalogIndexer(store, m, media, commitEvery, !noBeats)
                        .indexAll(files, md, true);
                writeInfo(m, media);
                System.out.printf(Locale.ROOT, "indexed %d new track(s), %d already present, %d failed; catalog %s holds %d track(s)%n",
                        s.added(), s.skipped(), s.failed().size(), out, store.size());
                for (String f : s.failed()) {
                    spec.commandLine().getErr().println("failed: " + f);
                }
                for (String u : unlisted) {
                    spec.commandLine().getErr().println("not listed: " + u);
                }
                code = s.failed().isEmpty() && unlisted.isEmpty() ? 0 : 2;
            }
            if (compact) {
                store.compact();
                System.out.println("compacted " + out + ": " + store.size() + " track(s)");
            }
            spec.commandLine().getErr().flush();
            return Math.max(code, sparkCode);
        }
    }

    private void checkInfo(GroundingModel m) {
        Map<String, Object> info = CatalogInfo.read(out);
        if (info != null && info.get("segmentEncoder") != null) {
            String enc = opts.encoder == AppOptions.Encoder.onnx ? "onnx" : "builtin";
            String had = String.valueOf(info.get("segmentEncoder"));
            if (!had.startsWith(enc)) {
                spec.commandLine().getErr().println("warning: " + out + " was indexed with encoder '" + had + "', now '" + enc
                        + "': scores across the two are not comparable");
            }
        }
    }

    private void writeInfo(GroundingModel m, MediaPipeline media) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", m.name());
        info.put("modelDir", model.getFileName().toString());
        Map<String, Object> had = CatalogInfo.read(out);
        if (had != null && had.get(CatalogInfo.MODEL_ID) != null && force) {
            info.put(CatalogInfo.MODEL_ID, had.get(CatalogInfo.MODEL_ID)); // --force adds, it does not re-own
        } else {
            info.put(CatalogInfo.MODEL_ID, org.mgsv.model.ModelDir.weightsChecksum(model));
        }
        info.put("segmentEncoder", media.name().substring(media.name().indexOf('/') + 1));
        CatalogInfo.write(out, info);
    }

    /** Side file recording how a catalog was built (for warnings when grounding with other encoders). */
    static final class CatalogInfo {
        static final String FILE = "index-info.json";
        /** SHA-256 of the weights of the model that built the catalog. */
        static final String MODEL_ID = "modelSha256";
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @SuppressWarnings("unchecked")
        static Map<String, Object> read(Path catalog) {
            Path f = catalog.resolve(FILE);
            if (!Files.isRegularFile(f)) {
                return null;
            }
            try {
                return JSON.readValue(f.toFile(), Map.class);
            } catch (java.io.IOException e) {
                return null;
            }
        }

        static void write(Path catalog, Map<String, Object> info) {
            Json.write(catalog.resolve(FILE), info);
        }
    }
}
