package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.DatabaseFile;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.KeycloakServer;
import io.github.twofa.it.support.TestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What an attacker holding a copy of the database file learns about a user's TOTP secret: nothing. */
class SecretAtRestIT {

    @Test
    void givenEnrolledUser_whenTheDatabaseFileIsRead_thenItHoldsTheEncryptedCredentialButNoFormOfTheSecret()
            throws Exception {
        KeycloakServer server = TestServer.get();
        Path database = server.databaseFile().orElse(null);
        Assumptions.assumeTrue(database != null, "the database file is only reachable with the distribution server");
        EnrolledKey enrolled = Enrolment.enrolNewUser(
                server,
                new AdminApi(server),
                "demo",
                "dump-" + UUID.randomUUID().toString().substring(0, 8));

        byte[] dump = DatabaseFile.awaitContains(database, enrolled.username().getBytes(StandardCharsets.UTF_8));

        assertTrue(
                DatabaseFile.contains(dump, "encryptedSecret".getBytes(StandardCharsets.UTF_8)),
                "the credential row is not in the file, so the scan proves nothing");
        String base32 = IndependentTotp.base32Encode(enrolled.key());
        Map<String, byte[]> forms = Map.of(
                "Base32", base32.getBytes(StandardCharsets.US_ASCII),
                "Base32 lower case", base32.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                "raw bytes", enrolled.key(),
                "hex", HexFormat.of().formatHex(enrolled.key()).getBytes(StandardCharsets.US_ASCII),
                "Base64", Base64.getEncoder().encodeToString(enrolled.key()).getBytes(StandardCharsets.US_ASCII),
                "Base32 as UTF-16", base32.getBytes(StandardCharsets.UTF_16LE));
        forms.forEach((form, bytes) ->
                assertFalse(DatabaseFile.contains(dump, bytes), "the database file holds the secret as " + form));
    }
}
