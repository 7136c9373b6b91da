package org.mgsv.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.testing.Python;

/** PyTorch's own torch.load (Debian python3-torch) reads the synthetic files as the reference data loader does. */
class SynthTorchLoadTest {
    @TempDir Path tmp;

    private static final String LOADER = String.join("\n",
            "import sys, os, csv, torch",
            "root = sys.argv[1]",
            "row = next(csv.DictReader(open(os.path.join(root, 'dataset/MGSV-EC/test_data.csv'))))",
            "fv = os.path.join(root, 'features/Kuai_feature/vit_feature1')",
            "fm = os.path.join(root, 'features/Kuai_feature/ast_feature2p5')",
            "vf = torch.load(os.path.join(fv, 'vit_feature', row['video_id'] + '.pt'), map_location='cpu')",
            "vm = torch.load(os.path.join(fv, 'vit_mask', row['video_id'] + '.pt'), map_location='cpu')",
            "af = torch.load(os.path.join(fm, 'ast_feature', row['music_id'] + '.pt'), map_location='cpu')",
            "am = torch.load(os.path.join(fm, 'ast_mask', row['music_id'] + '.pt'), map_location='cpu')",
            "vf = vf.masked_fill(vm.unsqueeze(-1) == 0, 0)",
            "af = af.masked_fill(am.unsqueeze(-1) == 0, 0)",
            "print(tuple(vf.shape), vf.dtype, tuple(vm.shape), tuple(af.shape), af.dtype, tuple(am.shape))",
            "print('%d %d %.4f %.4f' % (vm.sum().item(), am.sum().item(), vf.double().sum().item(),"
                    + " af.double().sum().item()))");

    @Test
    void torchLoadReadsSynthFiles() {
        Python.assumeTorch();
        SynthConfig c = SynthConfig.builder().trainVideos(5).valVideos(2).testVideos(2).build();
        Path out = tmp.resolve("bench");
        SynthWriter.write(c, out, 1, false);
        String[] lines = Python.runOrFail(LOADER, List.of(out.toString())).trim().split("\n");
        assertEquals("(50, 512) torch.float32 (50,) (96, 768) torch.float32 (96,)", lines[lines.length - 2]);
        SynthPlan plan = SynthPlan.build(c);
        SynthGenerator gen = new SynthGenerator(plan);
        SynthPlan.Row row = plan.rows(SynthPlan.Split.TEST).get(0);
        List<Annotation> csv = AnnotationCsv.read(out.resolve("dataset/MGSV-EC/test_data.csv"));
        assertEquals(row.videoId(), csv.get(0).videoId());
        SynthGenerator.Features v = gen.videoFeatures(row);
        SynthGenerator.Features m = gen.musicFeatures(row.track());
        String expect = String.format(Locale.ROOT, "%d %d %.4f %.4f", v.valid(), m.valid(), sum(v.values()),
                sum(m.values()));
        assertEquals(expect, lines[lines.length - 1]);
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
