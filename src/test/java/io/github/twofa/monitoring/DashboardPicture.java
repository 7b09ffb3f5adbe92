package io.github.twofa.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.DistributionServer;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.KeycloakServer;
import io.github.twofa.it.support.Prometheus;

/**
 * The README's picture of the Grafana dashboard, from a real run: Keycloak with metrics on, a real Prometheus scraping
 * it, a few minutes of scripted logins (app codes, backup codes, wrong and replayed codes, and a guessing attack that
 * ends in lockouts), then each panel of {@code docs/monitoring/twofa-dashboard.json} drawn from Prometheus' answers
 * to the panel's own queries. No Grafana is installed here, so the panels are drawn as SVG by this class; the
 * queries, and the data, are the dashboard's. Run by {@code bench/dashboard-picture.sh}; not part of the tests.
 */
public final class DashboardPicture {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2"};
    private static final int PANEL_WIDTH = 560;
    private static final int PANEL_HEIGHT = 250;
    private static final int STEP_SECONDS = 10;

    private DashboardPicture() {}

    public static void main(String[] args) throws Exception {
        int minutes = Integer.getInteger("picture.minutes", 5);
        Path dashboardFile = Path.of(System.getProperty("picture.dashboard", "docs/monitoring/twofa-dashboard.json"));
        Path output = Path.of(System.getProperty("picture.output", "docs/monitoring/twofa-dashboard.svg"));
        JsonNode dashboard = Http.JSON.readTree(dashboardFile.toFile());
        try (DistributionServer server = DistributionServer.start(
                        Path.of(System.getProperty("kc.test.dist")),
                        KeycloakServer.ENCRYPTION_KEYS,
                        true,
                        "INFO",
                        "",
                        List.of("--metrics-enabled=true"));
                Prometheus prometheus =
                        Prometheus.scraping(server.managementUrl().orElseThrow(), 5)) {
            long start = Instant.now().getEpochSecond();
            runLogins(server, minutes);
            Thread.sleep(15_000); // the last scrapes
            long end = Instant.now().getEpochSecond();
            Files.writeString(output, svg(dashboard, prometheus, start, end));
            System.out.println("Wrote " + output + " from " + prometheus.describe());
        }
    }

    /** Users log in over {@code minutes}; in the middle a guessing attack locks three of them out. */
    private static void runLogins(KeycloakServer server, int minutes) throws Exception {
        AdminApi admin = new AdminApi(server);
        String realm = admin.importDemoRealmCopyWithoutBruteForceDetection();
        List<EnrolledKey> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add(Enrolment.enrolNewUser(server, admin, realm, "dash-" + i));
        }
        ApiClient api = new ApiClient(server, realm);
        Random random = new Random(7);
        long[] lastStep = new long[users.size()];
        int[] backupUsed = new int[users.size()];
        long until = System.currentTimeMillis() + minutes * 60_000L;
        long attackAt = System.currentTimeMillis() + minutes * 30_000L;
        boolean attacked = false;
        while (System.currentTimeMillis() < until) {
            int who = random.nextInt(users.size());
            EnrolledKey user = users.get(who);
            long step = IndependentTotp.currentStep();
            double dice = random.nextDouble();
            if (!attacked && System.currentTimeMillis() > attackAt) {
                // Someone with three users' passwords guesses codes until the attempt limit locks them out.
                for (int victim = 0; victim < 3; victim++) {
                    for (int guess = 0; guess < 6; guess++) {
                        api.passwordGrant(
                                users.get(victim).username(),
                                users.get(victim).password(),
                                String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000)));
                    }
                }
                attacked = true;
            } else if (dice < 0.08 && backupUsed[who] < 9) {
                api.passwordGrant(
                        user.username(), user.password(), user.backupCodes().get(backupUsed[who]++));
            } else if (dice < 0.16) {
                api.passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), step + 5));
            } else if (dice < 0.20 && lastStep[who] == step) {
                api.passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), step));
            } else if (dice < 0.22) {
                api.passwordGrant(user.username(), user.password(), "abc");
            } else if (lastStep[who] < step) {
                api.passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), step));
                lastStep[who] = step;
            }
            Thread.sleep(150);
        }
    }

    private static String svg(JsonNode dashboard, Prometheus prometheus, long start, long end) {
        int columns = 2;
        int rows = (dashboard.path("panels").size() + 1) / 2;
        int width = columns * PANEL_WIDTH + 30;
        int height = rows * PANEL_HEIGHT + 80;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'>"
                .formatted(width, height));
        svg.append("<rect width='100%' height='100%' fill='#111217'/>");
        svg.append("<text x='15' y='30' fill='#d8d9da' font-size='18'>%s</text>"
                .formatted(escape(dashboard.path("title").asText())));
        svg.append("<text x='15' y='52' fill='#8e8e8e' font-size='12'>%s</text>"
                .formatted(escape("Prometheus data of a real run, "
                        + DateTimeFormatter.ISO_LOCAL_DATE_TIME
                                .withZone(ZoneOffset.UTC)
                                .format(Instant.ofEpochSecond(start))
                        + " UTC + " + (end - start) / 60 + " min; panels and queries from twofa-dashboard.json")));
        int index = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            int x = 15 + (index % columns) * PANEL_WIDTH;
            int y = 70 + (index / columns) * PANEL_HEIGHT;
            panel(svg, panel, prometheus, start, end, x, y);
            index++;
        }
        return svg.append("</svg>\n").toString();
    }

    private record Series(String label, List<double[]> points) {}

    private static void panel(
            StringBuilder svg, JsonNode panel, Prometheus prometheus, long start, long end, int x, int y) {
        List<Series> series = new ArrayList<>();
        for (JsonNode target : panel.path("targets")) {
            String query = target.path("expr")
                    .asText()
                    .replace("$__rate_interval", "30s")
                    .replace("$realm", ".*");
            for (JsonNode result : prometheus.queryRange(query, start, end, STEP_SECONDS)) {
                List<double[]> points = new ArrayList<>();
                for (JsonNode value : result.path("values")) {
                    double v = Double.parseDouble(value.get(1).asText());
                    if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                        points.add(new double[] {value.get(0).asDouble(), v});
                    }
                }
                series.add(new Series(legend(target.path("legendFormat").asText(), result.path("metric")), points));
            }
        }
        int w = PANEL_WIDTH - 15;
        int h = PANEL_HEIGHT - 15;
        svg.append(
                "<rect x='%d' y='%d' width='%d' height='%d' fill='#181b1f' stroke='#2c3235'/>".formatted(x, y, w, h));
        svg.append("<text x='%d' y='%d' fill='#d8d9da' font-size='13'>%s</text>"
                .formatted(x + 10, y + 20, escape(panel.path("title").asText())));
        double max = series.stream()
                .flatMap(s -> s.points().stream())
                .mapToDouble(p -> p[1])
                .max()
                .orElse(1);
        max = max <= 0 ? 1 : max * 1.1;
        int left = x + 55;
        int right = x + w - 10;
        int top = y + 35;
        int bottom = y + h - 45;
        for (int tick = 0; tick <= 2; tick++) {
            double value = max * tick / 2;
            int ty = bottom - (bottom - top) * tick / 2;
            svg.append("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#2c3235'/>".formatted(left, ty, right, ty));
            svg.append("<text x='%d' y='%d' fill='#8e8e8e' font-size='10' text-anchor='end'>%s</text>"
                    .formatted(
                            left - 5,
                            ty + 3,
                            format(
                                    value,
                                    panel.path("fieldConfig")
                                            .path("defaults")
                                            .path("unit")
                                            .asText())));
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double px = left + (right - left) * (p[0] - start) / Math.max(1, end - start);
                double py = bottom - (bottom - top) * p[1] / max;
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
            }
            String colour = COLOURS[i % COLOURS.length];
            if (!path.isEmpty()) {
                svg.append("<path d='%s' fill='none' stroke='%s' stroke-width='2'/>".formatted(path, colour));
            }
            int lx = x + 10 + (i % 3) * 175;
            int ly = y + h - 25 + (i / 3) * 14;
            svg.append("<rect x='%d' y='%d' width='10' height='3' fill='%s'/>".formatted(lx, ly - 4, colour));
            svg.append("<text x='%d' y='%d' fill='#ccccdc' font-size='10'>%s</text>"
                    .formatted(lx + 14, ly, escape(s.label())));
        }
        if (series.isEmpty()) {
            svg.append("<text x='%d' y='%d' fill='#8e8e8e' font-size='12'>No data</text>"
                    .formatted(x + w / 2 - 25, y + h / 2));
        }
    }

    /** Grafana's legend format: {{label}} replaced by the series' label value. */
    private static String legend(String format, JsonNode metric) {
        String legend = format;
        var names = metric.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            legend = legend.replace("{{" + name + "}}", metric.get(name).asText());
        }
        return legend.isBlank() ? metric.toString() : legend;
    }

    private static String format(double value, String unit) {
        return switch (unit) {
            case "percentunit" -> String.format(Locale.ROOT, "%.0f%%", value * 100);
            case "s" ->
                value < 1
                        ? String.format(Locale.ROOT, "%.1f ms", value * 1000)
                        : String.format(Locale.ROOT, "%.2f s", value);
            case "ops" -> String.format(Locale.ROOT, "%.2f/s", value);
            default -> String.format(Locale.ROOT, "%.1f", value);
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&#39;");
    }
}
