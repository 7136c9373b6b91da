package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;

class TorchImporterTest {
    @TempDir Path tmp;

    @Test
    void importsForwardAWithAndWithoutBuffers() {
        Path dir = SharedData.forwardA();
        try (NDManager m = NDManager.newBaseManager()) {
            TorchImporter.Result without = TorchImporter.read(dir.resolve("state_dict.npz"), null, MadeConfig.reference(), m);
            assertEquals(196, without.report().parameters());
            assertEquals(3, without.report().buffersComputed().size());
            // buffers.npz holds the rows in use of both tables (rows_0_50, rows_0_96) and empty_weight
            TorchImporter.Result with = TorchImporter.read(dir.resolve("state_dict.npz"), dir.resolve("buffers.npz"),
                    MadeConfig.reference(), m);
            assertEquals(List.of(), with.report().buffersComputed());
            assertEquals(3, with.report().buffersChecked().size());
        }
    }

    @Test
    void fullBufferTablesAreCheckedAndWrongOnesRejected() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 1);
            Map<String, NDArray> sd = new LinkedHashMap<>(p.asMap());
            sd.put(FixedTensors.VIDEO_PE, m.create(FixedTensors.sinusoidTable(c.videoPeRows(), c.dModel()),
                    new Shape(1, c.videoPeRows(), c.dModel())));
            sd.put(FixedTensors.EMPTY_WEIGHT, m.create(new float[] {1f, 0.1f}));
            Path f = tmp.resolve("sd.safetensors");
            NpzIO.write(f, sd);
            TorchImporter.Result r = TorchImporter.read(f, null, c, m);
            assertEquals(List.of(FixedTensors.AUDIO_PE), r.report().buffersComputed());

            sd.put(FixedTensors.EMPTY_WEIGHT, m.create(new float[] {1f, 0.2f}));
            NpzIO.write(f, sd);
            MgsvException e = assertThrows(MgsvException.class, () -> TorchImporter.read(f, null, c, m));
            assertTrue(e.getMessage().contains(FixedTensors.EMPTY_WEIGHT), e.getMessage());
        }
    }

    @Test
    void listsMissingUnexpectedAndMismatchedNames() {
        MadeConfig c = TinyModels.tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(c, m, 1);
            Map<String, NDArray> sd = new LinkedHashMap<>(p.asMap());
            sd.remove("class_embed.bias");
            sd.remove("vit_proj.weight");
            sd.put("extra.weight", m.zeros(new Shape(2)));
            sd.put("span_embed.layers.2.weight", m.zeros(new Shape(3, 32)));
            Path f = tmp.resolve("bad.npz");
            NpzIO.write(f, sd);
            MgsvException e = assertThrows(MgsvException.class, () -> TorchImporter.importTo(f, null, c, tmp.resolve("out")));
            String msg = e.getMessage();
            assertTrue(msg.contains("2 missing") && msg.contains("class_embed.bias") && msg.contains("vit_proj.weight"), msg);
            assertTrue(msg.contains("1 unexpected: extra.weight"), msg);
            assertTrue(msg.contains("1 mismatched: span_embed.layers.2.weight (expected [2,32], got [3,32])"), msg);
            assertTrue(!tmp.resolve("out").toFile().exists(), "no half-written model directory");
        }
    }
}
