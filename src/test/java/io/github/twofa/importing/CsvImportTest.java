package io.github.twofa.importing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvImportTest {

    @Test
    void givenAHeaderQuotedLabelsAndBlankLines_thenEachLineIsReadWithItsNumber() {
        List<CsvImport.Malformed> refused = new ArrayList<>();
        List<ImportLine> lines = CsvImport.read(
                "\uFEFFusername,otpauth_uri,label\r\n"
                        + "alice,otpauth://totp/a?secret=X,Phone\r\n"
                        + "\r\n"
                        + "bob,otpauth://totp/b?secret=Y,\"Work phone, old \"\"blue\"\" one\"\n"
                        + "carol,otpauth://totp/c?secret=Z\n",
                refused);
        assertEquals(List.of(), refused);
        assertEquals(
                List.of(
                        new ImportLine(2, "alice", "otpauth://totp/a?secret=X", "Phone"),
                        new ImportLine(4, "bob", "otpauth://totp/b?secret=Y", "Work phone, old \"blue\" one"),
                        new ImportLine(5, "carol", "otpauth://totp/c?secret=Z", null)),
                lines);
    }

    @Test
    void givenLinesThatAreNotThreeFields_thenEachIsRefusedWithItsLineAndNoContent() {
        List<CsvImport.Malformed> refused = new ArrayList<>();
        List<ImportLine> lines = CsvImport.read(
                "dave\n" + "erin,otpauth://totp/e?secret=SECRETVALUE,a,b\n" + "frank,\"otpauth://totp/f?secret=S\n",
                refused);
        assertEquals(List.of(), lines);
        assertEquals(
                List.of(1, 2, 3),
                refused.stream().map(CsvImport.Malformed::line).toList());
        refused.forEach(malformed -> assertFalse(malformed.getMessage().contains("SECRET")));
    }

    @Test
    void givenALine_thenItsTextNeverShowsTheUri() {
        assertFalse(new ImportLine(1, "a", "otpauth://totp/a?secret=SECRETVALUE", null)
                .toString()
                .contains("SECRETVALUE"));
    }
}
