package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/** Settings an admin saves in the admin console are checked there, not replaced silently by defaults later. */
class AdminSettingsIT extends RealServerTest {

    private static final String BACKUP_CODES_CONFIG = "/authentication/required-actions/twofa-backup-codes/config";

    @Test
    void givenBackupCodeSettingsOutOfRange_whenSaved_thenRefusedWithTheReasonAndTheOldSettingsStay() throws Exception {
        String realm = admin.importDemoRealmCopy(Map.of());
        HttpResponse<String> saved = admin.call(
                "PUT",
                "/" + realm + BACKUP_CODES_CONFIG,
                Map.of("config", Map.of("twofa.backup-codes.count", "12", "twofa.backup-codes.iterations", "50000")));
        assertTrue(saved.statusCode() < 300, saved.statusCode() + " " + saved.body());

        HttpResponse<String> refused = admin.call(
                "PUT",
                "/" + realm + BACKUP_CODES_CONFIG,
                Map.of("config", Map.of("twofa.backup-codes.count", "50", "twofa.backup-codes.iterations", "99")));

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("5 to 20") && refused.body().contains("10,000"), refused.body());
        JsonNode config = admin.get("/" + realm + BACKUP_CODES_CONFIG).get("config");
        assertEquals("12", config.get("twofa.backup-codes.count").asText());
        assertEquals("50000", config.get("twofa.backup-codes.iterations").asText());
    }

    /** Keycloak has no check hook for a step's settings; the console then offers only valid choices. */
    @Test
    void givenTheStepsSettings_thenTheConsoleOffersAListOfPoliciesAndARolePicker() {
        JsonNode properties = admin.get("/master/authentication/config-description/twofa-totp-authenticator")
                .get("properties");

        assertEquals(
                "List",
                property(properties, "twofa.users-without-2fa").get("type").asText());
        assertEquals(
                List.of("require", "skip", "require-for-role", "require-after-grace"),
                StreamSupport.stream(
                                property(properties, "twofa.users-without-2fa")
                                        .get("options")
                                        .spliterator(),
                                false)
                        .map(JsonNode::asText)
                        .toList());
        assertEquals(
                "Integer", property(properties, "twofa.grace-days").get("type").asText());
        assertEquals(
                "Integer",
                property(properties, "twofa.trust-browser-days").get("type").asText());
        assertEquals(
                "Role", property(properties, "twofa.enrolment-role").get("type").asText());
    }

    private static JsonNode property(JsonNode properties, String name) {
        return StreamSupport.stream(properties.spliterator(), false)
                .filter(property -> name.equals(property.get("name").asText()))
                .findFirst()
                .orElseThrow();
    }
}
