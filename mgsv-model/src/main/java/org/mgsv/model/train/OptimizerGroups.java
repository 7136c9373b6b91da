package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgsv.model.MadeParams;

/**
 * The reference's three optimizer groups (temporal, matching, detection) from the parameter registry.
 * {@code decoder_query_embed.weight} belongs to none of them unless {@code trainQueryEmbed} is set, in which
 * case it joins the detection group.
 */
public final class OptimizerGroups {
    private OptimizerGroups() {}

    public static List<ParamGroup> of(MadeParams params, boolean trainQueryEmbed) {
        Map<MadeParams.Group, List<String>> g = params.groups();
        List<ParamGroup> out = new ArrayList<>();
        for (MadeParams.Group grp : new MadeParams.Group[] {
                MadeParams.Group.TEMPORAL, MadeParams.Group.MATCHING, MadeParams.Group.DETECTION}) {
            Map<String, NDArray> m = new LinkedHashMap<>();
            for (String n : g.get(grp)) {
                m.put(n, params.get(n));
            }
            if (grp == MadeParams.Group.DETECTION && trainQueryEmbed) {
                for (String n : g.get(MadeParams.Group.NONE)) {
                    m.put(n, params.get(n));
                }
            }
            out.add(new ParamGroup(grp.name().toLowerCase(java.util.Locale.ROOT), m));
        }
        return out;
    }
}
