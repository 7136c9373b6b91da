package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSpaceTest {
    @TempDir Path tmp;

    @Test
    void trainingDataTellsItsFeatureSpace() throws Exception {
        // mgsv synth: synth.json at the dataset root, features two levels below
        Path synth = tmp.resolve("synth");
        Path synthFeatures = Files.createDirectories(synth.resolve("features/Kuai_feature/vit_feature1"))
                .getParent();
        Files.writeString(synth.resolve("synth.json"), "{}");
        assertEquals(FeatureSpace.SYNTHETIC, FeatureSpace.ofData(synth, synthFeatures));
        assertEquals(FeatureSpace.SYNTHETIC, FeatureSpace.ofData(null, synthFeatures), "--features alone");

        // mgsv extract: the CSVs name the encoder (a quoted file name with a comma does not confuse it)
        Path builtin = Files.createDirectories(tmp.resolve("ext-builtin/vit_feature1")).getParent();
        Files.writeString(builtin.resolve("videos.csv"), "video_id,file,duration,frames,fps,width,height,encoder\n"
                + "a,\"x, y.mp4\",3.0,3,1.0,64,64,builtin-frame-v1\n");
        assertEquals(FeatureSpace.BUILTIN, FeatureSpace.ofData(null, builtin));
        Path onnx = Files.createDirectories(tmp.resolve("ext-onnx/vit_feature1")).getParent();
        Files.writeString(onnx.resolve("music.csv"), "music_id,file,duration,windows,encoder\n"
                + "m,m.ogg,30.0,20,onnx-ast/int8\n");
        assertEquals(FeatureSpace.CLIP_AST, FeatureSpace.ofData(null, onnx));

        // the published layout, nothing else said: the reference CLIP/AST features
        Path published = Files.createDirectories(tmp.resolve("MGSV/features/Kuai_feature/vit_feature1")).getParent();
        assertEquals(FeatureSpace.CLIP_AST, FeatureSpace.ofData(tmp.resolve("MGSV"), published));

        // a packed store does not say where its features came from: unknown, never a guess
        Path store = Files.createDirectories(tmp.resolve("packed"));
        Files.writeString(store.resolve("index.json"), "{}");
        Files.write(store.resolve("data.bin"), new byte[8]);
        assertNull(FeatureSpace.ofData(store, store));
        assertNull(FeatureSpace.ofData(null, null));
    }

    @Test
    void modelDirectoriesRecordTheirSpaceAndImportsAreClipAst() throws Exception {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 1);
            Path trained = tmp.resolve("trained");
            ModelDir.save(trained, p, Provenance.of("training", Map.of(FeatureSpace.KEY, FeatureSpace.SYNTHETIC)));
            assertEquals(FeatureSpace.SYNTHETIC, FeatureSpace.ofModel(trained));

            Path old = tmp.resolve("unrecorded");
            ModelDir.save(old, p, Provenance.of("training", Map.of()));
            assertNull(FeatureSpace.ofModel(old), "a model saved before the record is not guessed");

            Map<String, NDArray> sd = new LinkedHashMap<>(p.asMap());
            Path f = tmp.resolve("sd.npz");
            NpzIO.write(f, sd);
            Path imported = tmp.resolve("imported");
            TorchImporter.importTo(f, null, c, imported);
            assertEquals(FeatureSpace.CLIP_AST, FeatureSpace.ofModel(imported));
            String prov = Files.readString(imported.resolve(ModelDir.PROVENANCE));
            assertEquals(true, prov.contains("\"" + FeatureSpace.KEY + "\""), prov);
        }
    }
}
