package org.mgsv.search.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of a {@link CatalogStore} whose committed data survives a reopen (and a crash before commit). */
public abstract class DurableCatalogStoreTestCase extends CatalogStoreTestCase {
    @Test
    void committedDataSurvivesReopen() {
        CatalogStore s = create();
        s.add(track("a", 1));
        s.add(track("b", 2));
        s.commit();
        s.remove("a");
        s.add(track("c", 3));
        s.commit();
        s.close();
        CatalogStore t = reopen(s);
        assertEquals(List.of("b", "c"), t.ids());
        assertEquals(track("c", 3), t.get("c").orElseThrow());
    }

    @Test
    void killBeforeCommitKeepsLastCommittedCatalog() {
        CatalogStore s = create();
        s.add(track("a", 1));
        s.commit();
        s.add(track("b", 2));
        s.remove("a");
        // the process dies here: no commit, no close
        CatalogStore t = reopen(s);
        assertEquals(List.of("a"), t.ids());
        assertEquals(track("a", 1), t.get("a").orElseThrow());
        t.add(track("c", 3));
        t.commit();
        assertEquals(List.of("a", "c"), t.ids());
    }
}
