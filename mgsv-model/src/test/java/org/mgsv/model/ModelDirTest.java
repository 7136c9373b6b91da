package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class ModelDirTest {
    @TempDir Path tmp;

    @Test
    void saveLoadRoundTripKeepsEveryParameterConfigAndProvenance() {
        MadeConfig c = TinyModels.tiny().predictCenter(true).momentQuery(MadeConfig.MomentQuery.MUSIC).build();
        Path dir = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 1);
            ModelDir.save(dir, p, Provenance.of("training", Map.of("seed", 1)));
            try (ModelDir.Loaded l = ModelDir.load(dir, m)) {
                assertEquals(c, l.config());
                assertEquals("training", l.provenance().source());
                assertEquals(p.names(), l.params().names());
                for (String n : p.names()) {
                    assertArrayEquals(p.get(n).toFloatArray(), l.params().get(n).toFloatArray(), n);
                    assertEquals(p.get(n).getShape(), l.params().get(n).getShape(), n);
                }
                MadeInputs in = TinyModels.inputs(m, c, 2, 3);
                assertArrayEquals(new MadeNetwork(p).forward(in, false).predSpans().toFloatArray(),
                        l.network().forward(in, false).predSpans().toFloatArray());
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve(ModelDir.PROVENANCE)));
    }

    @Test
    void missingFilesAndWrongConfigAreReported() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MgsvException e = assertThrows(MgsvException.class, () -> ModelDir.load(tmp.resolve("nope"), m));
            assertTrue(e.getMessage().contains("nope"));
            Path dir = tmp.resolve("m2");
            ModelDir.save(dir, MadeParams.initialize(TinyModels.tiny().build(), m, 1), Provenance.of("training", Map.of()));
            Files.writeString(dir.resolve(ModelDir.CONFIG), TinyModels.tiny().dModel(16).build().toJson());
            MgsvException w = assertThrows(MgsvException.class, () -> ModelDir.load(dir, m));
            assertTrue(w.getMessage().contains("mismatched"), w.getMessage());
        }
    }

    @Test
    void savingNeverDeletesAFolderThatIsNotAModelDirectory() throws Exception {
        Path models = tmp.resolve("models");
        Files.createDirectories(models.resolve("modelA"));
        Files.createDirectories(models.resolve("modelB"));
        Files.writeString(models.resolve("README.txt"), "mine");
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(TinyModels.tiny().build(), m, 1);
            MgsvException e = assertThrows(MgsvException.class,
                    () -> ModelDir.save(models, p, Provenance.of("import", Map.of())));
            assertTrue(e.getMessage().contains("is not a model directory") && e.getMessage().contains("README.txt"),
                    e.getMessage());
            assertTrue(Files.isDirectory(models.resolve("modelA")) && Files.isDirectory(models.resolve("modelB"))
                    && Files.readString(models.resolve("README.txt")).equals("mine"));
            // a model directory (a previous import) and an empty folder are replaced as before
            Path dir = models.resolve("modelA");
            ModelDir.save(dir, p, Provenance.of("import", Map.of()));
            ModelDir.save(dir, p, Provenance.of("import", Map.of("again", true)));
            assertTrue(ModelDir.isModelDir(dir));
        }
    }

    @Test
    void corruptWeightsAreRefusedOnImportAndLoad() throws Exception {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 1);
            // a NaN weight in a state dict: import refuses it, naming the parameter and the element
            Map<String, ai.djl.ndarray.NDArray> sd = new java.util.LinkedHashMap<>(p.asMap());
            String name = "ast_proj.weight";
            float[] v = sd.get(name).toFloatArray();
            v[3] = Float.NaN;
            sd.put(name, m.create(v, sd.get(name).getShape()));
            Path npz = tmp.resolve("nan.npz");
            NpzIO.write(npz, sd);
            MgsvException e = assertThrows(MgsvException.class, () -> TorchImporter.read(npz, null, c, m));
            assertTrue(e.getMessage().contains(name + ": 1 non-finite value(s), the first NaN at flat index 3"),
                    e.getMessage());

            // flipped bytes after saving: the recorded checksum catches them
            Path dir = tmp.resolve("saved");
            ModelDir.save(dir, p, Provenance.of("training", Map.of()));
            Path w = dir.resolve(ModelDir.WEIGHTS);
            byte[] b = Files.readAllBytes(w);
            byte[] orig = b.clone();
            for (int i = b.length - 1000; i < b.length; i++) {
                b[i] ^= 0x5a;
            }
            Files.write(w, b);
            MgsvException ck = assertThrows(MgsvException.class, () -> ModelDir.load(dir, m));
            assertTrue(ck.getMessage().contains("differs from the one recorded"), ck.getMessage());

            // a header that claims another dtype (no checksum, as a hand-made directory): refused, not converted
            Files.write(w, orig);
            Files.delete(dir.resolve(ModelDir.CHECKSUM));
            ModelDir.load(dir, m).close();
            String text = new String(orig, java.nio.charset.StandardCharsets.ISO_8859_1);
            Files.write(w, text.replaceFirst("\"F32\"", "\"I32\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            MgsvException dt = assertThrows(MgsvException.class, () -> ModelDir.load(dir, m));
            assertTrue(dt.getMessage().contains("dtype"), dt.getMessage());
        }
    }
}
