package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.Prometheus;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/**
 * The extension's meters on Keycloak's own {@code /metrics} (issue 17): the shared test server runs with
 * {@code --metrics-enabled=true} and its user-event metrics tagged by realm, so a realm of this test's own has
 * exactly the counts of the scripted logins below.
 */
class MetricsIT extends RealServerTest {

    @Test
    void givenAScriptedMixOfLogins_whenScraping_thenTheCountsAreExactlyThose() throws Exception {
        assumeTrue(server.managementUrl().isPresent(), "the management interface is reachable");
        String realm = admin.importDemoRealmCopyWithoutBruteForceDetection();
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "metrics");
        ApiClient api = new ApiClient(server, realm);
        String appCode = IndependentTotp.code(user.key(), user.enrolmentStep() + 1);

        assertEquals(200, login(api, user, appCode), "app code");
        assertEquals(400, login(api, user, appCode), "the same code again: replayed");
        assertEquals(400, login(api, user, IndependentTotp.code(user.key(), user.enrolmentStep() + 40)), "wrong");
        assertEquals(400, login(api, user, "zz"), "not a code: malformed, as a backup code");
        assertEquals(200, login(api, user, user.backupCodes().get(0)), "backup code; the count starts again");
        for (int i = 0; i < 5; i++) {
            assertEquals(400, login(api, user, IndependentTotp.code(user.key(), user.enrolmentStep() + 50 + i)));
        }
        assertEquals(400, login(api, user, IndependentTotp.code(user.key(), user.enrolmentStep() + 60)), "locked");

        String metrics = scrape();
        assertEquals(1.0, value(metrics, "twofa_second_factor_checks_total", realm, "app-code", "ok"), metrics);
        assertEquals(1.0, value(metrics, "twofa_second_factor_checks_total", realm, "app-code", "replayed"));
        assertEquals(6.0, value(metrics, "twofa_second_factor_checks_total", realm, "app-code", "wrong"));
        assertEquals(1.0, value(metrics, "twofa_second_factor_checks_total", realm, "app-code", "locked"));
        assertEquals(1.0, value(metrics, "twofa_second_factor_checks_total", realm, "backup-code", "ok"));
        assertEquals(1.0, value(metrics, "twofa_second_factor_checks_total", realm, "backup-code", "malformed"));
        assertEquals(8.0, value(metrics, "twofa_second_factor_check_seconds_count", realm, "app-code", null));
        assertEquals(1.0, value(metrics, "twofa_lockouts_total", realm, null, null));
        assertEquals(1.0, value(metrics, "twofa_enrolments_total", realm, null, null));
        assertEquals(1.0, value(metrics, "twofa_backup_code_sets_issued_total", realm, null, null));
        // Series that saw no event are there at 0 from the realm's creation, so a first event is an increase.
        assertTrue(
                metrics.contains("twofa_admin_resets_total{realm=\"" + realm + "\"} 0.0"),
                "admin resets at 0 for the new realm");
        assertAlertingRulesMatch(metrics);
        assertDashboardQueriesWork(realm);
    }

    /**
     * Every query of the Grafana dashboard in {@code docs/monitoring}, run by a real Prometheus scraping this server,
     * is accepted, and those about checks find this realm's series.
     */
    private static void assertDashboardQueriesWork(String realm) throws Exception {
        JsonNode dashboard = Http.JSON.readTree(
                Path.of("docs/monitoring/twofa-dashboard.json").toFile());
        try (Prometheus prometheus = Prometheus.scraping(server.managementUrl().orElseThrow(), 1)) {
            prometheus.await(
                    Duration.ofSeconds(30),
                    p -> p.query("twofa_second_factor_check_seconds_count{realm=\"" + realm + "\"}")
                                    .size()
                            > 0);
            Thread.sleep(3000); // a few scrapes, for rate()
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String query = target.path("expr")
                            .asText()
                            .replace("$__rate_interval", "1m")
                            .replace("$realm", realm);
                    JsonNode series = prometheus.query(query);
                    if (panel.path("title").asText().contains("check")) {
                        assertTrue(series.size() > 0, panel.path("title").asText() + ": no series for " + query);
                    }
                }
            }
        }
    }

    /** The README's alerting rules are valid Prometheus rules and name only metrics the server exposes. */
    private static void assertAlertingRulesMatch(String exposed) throws Exception {
        Process check = new ProcessBuilder("promtool", "check", "rules", "docs/monitoring/twofa-alerts.yml")
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), output);
        String rules = java.nio.file.Files.readString(java.nio.file.Path.of("docs/monitoring/twofa-alerts.yml"));
        Matcher metric = Pattern.compile("twofa_[a-z_]+").matcher(rules);
        while (metric.find()) {
            assertTrue(exposed.contains("\n" + metric.group()), metric.group() + " is not on /metrics");
        }
    }

    private static int login(ApiClient api, EnrolledKey user, String code) {
        return api.passwordGrant(user.username(), user.password(), code).statusCode();
    }

    private static String scrape() {
        HttpResponse<String> response = Http.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(server.managementUrl().orElseThrow() + "/metrics"))
                        .GET()
                        .build());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** A sample's value by its labels (Prometheus text format); 0 when the series is absent. */
    private static double value(String metrics, String name, String realm, String factor, String outcome) {
        Map<String, String> wanted = new java.util.LinkedHashMap<>();
        wanted.put("realm", realm);
        if (factor != null) {
            wanted.put("factor", factor);
        }
        if (outcome != null) {
            wanted.put("outcome", outcome);
        }
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$")
                .matcher(metrics);
        while (line.find()) {
            Map<String, String> labels = new java.util.HashMap<>();
            Matcher label = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(line.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            if (labels.entrySet().containsAll(wanted.entrySet()) && labels.size() == wanted.size()) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }
}
