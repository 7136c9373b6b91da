package org.mgsv.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Index-file lines: quoted commas and doubled quotes stay inside their field; empty fields are kept. */
class CsvLineTest {

    @Test
    void splitsQuotedFields() {
        assertEquals(List.of("a", "b,c", "d\"e", ""), CsvLine.split("a,\"b,c\",\"d\"\"e\","));
        assertEquals(List.of(""), CsvLine.split(""));
        assertEquals(List.of("x", "", "y"), CsvLine.split("x,,y"));
    }

    @Test
    void quotesEveryFieldThatWouldOtherwiseSplitARecordIncludingCarriageReturns() {
        assertEquals("a", CsvLine.quote("a"));
        assertEquals("\"b,c\"", CsvLine.quote("b,c"));
        assertEquals("\"d\"\"e\"", CsvLine.quote("d\"e"));
        assertEquals("\"x\ry\"", CsvLine.quote("x\ry"));
        assertEquals("\"x\ny\"", CsvLine.quote("x\ny"));
        assertEquals("a,\"b,c\",", CsvLine.join("a", "b,c", ""));
    }

    @Test
    void recordsEndAtLineBreaksOutsideQuotesOnly() {
        String text = CsvLine.join("h1", "h2") + "\r\n" + CsvLine.join("1", "two\r\nlines") + "\n"
                + CsvLine.join("2", "cr\ronly") + "\r" + "3,x\n";
        List<String> r = CsvLine.records(text);
        assertEquals(4, r.size(), r.toString());
        assertEquals(List.of("1", "two\r\nlines"), CsvLine.split(r.get(1)));
        assertEquals(List.of("2", "cr\ronly"), CsvLine.split(r.get(2)));
        assertEquals(List.of("3", "x"), CsvLine.split(r.get(3)));
        assertEquals(List.of(), CsvLine.records(""));
    }
}
